import { describe, expect, it } from 'vitest';
import {
  decrypt,
  encrypt,
  ErrorCode,
  inspect,
  rewrap,
  rewrapStream,
  rotate,
  rotateStream,
  type EncryptionContext,
  type WrappedKey,
} from '../src/index.js';
import { bytes, chunked, collect, errorOf, TestKms } from './helpers.js';

const context = { tenant: 'acme' };
const plaintext = bytes(5000);

async function body(envelope: Uint8Array): Promise<Buffer> {
  return Buffer.from(envelope).subarray((await inspect(envelope)).headerLength);
}

async function opens(envelope: Uint8Array, key: TestKms): Promise<boolean> {
  try {
    return Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).equals(plaintext);
  } catch {
    return false;
  }
}

describe('rewrap', () => {
  const a = new TestKms('a');
  const b = new TestKms('b');
  const c = new TestKms('c');

  it('adds a key: the new key opens it, the body bytes are identical', async () => {
    const original = await encrypt(plaintext, { keyring: a, context, frameSize: 1024 });
    const { envelope, report } = await rewrap(original, { keyring: a, add: [b] });
    expect(report).toEqual({ added: ['test:b'], removed: [], refreshed: [], changed: true });
    expect((await body(envelope)).equals(await body(original))).toBe(true);
    expect(await opens(envelope, b)).toBe(true);
    expect(await opens(envelope, a)).toBe(true);
  });

  it('removes a key: it no longer opens the new envelope', async () => {
    const original = await encrypt(plaintext, { keyring: [a, b], context });
    const { envelope, report } = await rewrap(original, { keyring: b, remove: ['a'] });
    expect(report.removed).toEqual(['test:a']);
    expect((await body(envelope)).equals(await body(original))).toBe(true);
    expect((await errorOf(() => decrypt(envelope, { keyring: a }))).code).toBe(ErrorCode.NO_MATCHING_KEY);
    expect(await opens(envelope, b)).toBe(true);
  });

  it('replaces one key with another', async () => {
    const original = await encrypt(plaintext, { keyring: a, context });
    const { envelope } = await rewrap(original, { keyring: a, add: [c], remove: [{ providerId: 'test', keyId: 'a' }] });
    expect((await inspect(envelope)).wrappedKeys.map((k) => k.keyId)).toEqual(['c']);
    expect(await opens(envelope, c)).toBe(true);
    expect(await opens(envelope, a)).toBe(false);
  });

  it('is idempotent: a second identical rewrap changes nothing', async () => {
    const original = await encrypt(plaintext, { keyring: a, context });
    const once = await rewrap(original, { keyring: a, add: [b] });
    const twice = await rewrap(once.envelope, { keyring: a, add: [b] });
    expect(twice.report.changed).toBe(false);
    expect(Buffer.from(twice.envelope).equals(once.envelope)).toBe(true);
  });

  it('refuses to remove every key', async () => {
    const original = await encrypt(plaintext, { keyring: a });
    expect((await errorOf(() => rewrap(original, { keyring: a, remove: ['a'] }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('rewraps only authentic envelopes: altered header or body is refused', async () => {
    const original = Buffer.from(await encrypt(plaintext, { keyring: a, context, frameSize: 1024 }));
    const { headerLength } = await inspect(original);
    const header = Buffer.from(original);
    header[headerLength - 1]! ^= 1;
    expect((await errorOf(() => rewrap(header, { keyring: a, add: [b] }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
    const bodyTampered = Buffer.from(original);
    bodyTampered[original.length - 100]! ^= 1;
    expect((await errorOf(() => rewrap(bodyTampered, { keyring: a, add: [b] }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
    const cut = original.subarray(0, original.length - 10);
    expect((await errorOf(() => rewrap(cut, { keyring: a, add: [b] }))).code).toBe(ErrorCode.TRUNCATED);
  });

  it('needs a key that can unwrap the envelope', async () => {
    const original = await encrypt(plaintext, { keyring: a });
    expect((await errorOf(() => rewrap(original, { keyring: b, add: [c] }))).code).toBe(ErrorCode.NO_MATCHING_KEY);
  });

  it('streams: new header, then the body bytes as they came', async () => {
    const big = bytes(300_000);
    const original = Buffer.from(await encrypt(big, { keyring: a, context, frameSize: 4096 }));
    const stream = chunked(original, 777).pipe(rewrapStream({ keyring: a, add: [b], remove: ['a'] }));
    const [envelope, report] = await Promise.all([collect(stream), stream.report]);
    expect(report.added).toEqual(['test:b']);
    expect((await body(envelope)).equals(await body(original))).toBe(true);
    expect(Buffer.from((await decrypt(envelope, { keyring: b })).plaintext).equals(big)).toBe(true);
  });
});

/**
 * A key service holding several keys, whose wrappers can re-encrypt from one
 * key to another inside the service (as AWS ReEncrypt does).
 */
function keyService() {
  const keys = new Map<string, TestKms>();
  const calls = { rewrap: 0, wrap: 0 };
  const wrapper = (id: string) => {
    const key = new TestKms(id);
    keys.set(id, key);
    return {
      providerId: 'test',
      keyId: id,
      wrap: async (dataKey: Uint8Array, ctx: EncryptionContext) => {
        calls.wrap++;
        return key.wrap(dataKey, ctx);
      },
      unwrap: (wrapped: WrappedKey, ctx: EncryptionContext) => key.unwrap(wrapped, ctx),
      rewrap: async (wrapped: WrappedKey, ctx: EncryptionContext) => {
        calls.rewrap++;
        const source = keys.get(wrapped.keyId)!;
        return key.wrap(await source.unwrap(wrapped, ctx), ctx);
      },
    };
  };
  return { wrapper, calls };
}

describe('native re-encryption', () => {
  it('adds a key of the same provider through the service, not from the data key', async () => {
    const { wrapper, calls } = keyService();
    const old = wrapper('old');
    const fresh = wrapper('fresh');
    const original = await encrypt(plaintext, { keyring: old, context });
    calls.wrap = 0;
    const { envelope } = await rewrap(original, { keyring: old, add: [fresh], remove: ['old'] });
    expect(calls).toEqual({ rewrap: 1, wrap: 0 });
    expect(Buffer.from((await decrypt(envelope, { keyring: fresh })).plaintext).equals(plaintext)).toBe(true);
  });

  it('falls back to wrapping the data key when native re-encryption fails', async () => {
    const { wrapper, calls } = keyService();
    const old = wrapper('old');
    const fresh = { ...wrapper('fresh'), rewrap: async () => Promise.reject(new Error('AccessDenied')) };
    const original = await encrypt(plaintext, { keyring: old });
    calls.wrap = 0;
    const { envelope } = await rewrap(original, { keyring: old, add: [fresh] });
    expect(calls.wrap).toBe(1);
    expect(Buffer.from((await decrypt(envelope, { keyring: fresh })).plaintext).equals(plaintext)).toBe(true);
  });

  it('refreshes kept keys with their native rewrap (e.g. to the newest key version)', async () => {
    const { wrapper, calls } = keyService();
    const key = wrapper('k');
    const original = await encrypt(plaintext, { keyring: key, context });
    const { envelope, report } = await rewrap(original, { keyring: key, refresh: [key] });
    expect(calls.rewrap).toBe(1);
    expect(report.refreshed).toEqual(['test:k']);
    expect((await body(envelope)).equals(await body(original))).toBe(true);
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).equals(plaintext)).toBe(true);
  });
});

describe('rotate', () => {
  const a = new TestKms('a');
  const b = new TestKms('b');

  it('re-encrypts under a new data key, keeping the context', async () => {
    const original = await encrypt(plaintext, { keyring: a, context, frameSize: 1024 });
    const rotated = await rotate(original, { keyring: a, newKeyring: b });
    const [before, after] = [await inspect(original), await inspect(rotated)];
    expect(after.messageId).not.toBe(before.messageId);
    expect(after.context).toEqual(context);
    expect(after.frameSize).toBe(1024);
    expect((await body(rotated)).equals(await body(original))).toBe(false);
    expect(Buffer.from((await decrypt(rotated, { keyring: b })).plaintext).equals(plaintext)).toBe(true);
    expect((await errorOf(() => decrypt(rotated, { keyring: a }))).code).toBe(ErrorCode.NO_MATCHING_KEY);
  });

  it('streams in constant memory and refuses an altered envelope', async () => {
    const big = bytes(200_000);
    const original = Buffer.from(await encrypt(big, { keyring: a, frameSize: 4096 }));
    const rotated = await collect(chunked(original, 1000).pipe(rotateStream({ keyring: a, newKeyring: [a, b] })));
    expect(Buffer.from((await decrypt(rotated, { keyring: b })).plaintext).equals(big)).toBe(true);
    const altered = Buffer.from(original);
    altered[altered.length - 50]! ^= 1;
    expect((await errorOf(() => collect(chunked(altered, 1000).pipe(rotateStream({ keyring: a, newKeyring: b }))))).code).toBe(
      ErrorCode.INTEGRITY_FAILURE,
    );
  });
});

describe('refresh fallback', () => {
  it('wraps the data key afresh when native refresh fails', async () => {
    const { wrapper, calls } = keyService();
    const key = { ...wrapper('k'), rewrap: async () => Promise.reject(new Error('not supported for this key type')) };
    const original = await encrypt(plaintext, { keyring: key, context });
    calls.wrap = 0;
    const { envelope, report } = await rewrap(original, { keyring: key, refresh: [key] });
    expect(calls.wrap).toBe(1);
    expect(report.refreshed).toEqual(['test:k']);
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).equals(plaintext)).toBe(true);
  });
});
