import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, EnvelopeError, ErrorCode, Keyring, type DataKeySource } from '../src/index.js';
import { frameSpans } from './envelopeLayout.js';
import { errorOf, knownDataKey, TestKms } from './helpers.js';

const context = { tenant: 'acme', table: 'invoices' };

describe('finding and unwrapping the data key', () => {
  const a = new TestKms('a');
  const b = new TestKms('b');

  it('fails with NO_MATCHING_KEY when no key of the keyring wrapped the envelope', async () => {
    const envelope = await encrypt('x', { keyring: a, context });
    const error = await errorOf(() => decrypt(envelope, { keyring: new TestKms('elsewhere') }));
    expect(error.code).toBe(ErrorCode.NO_MATCHING_KEY);
    expect(error.message).toContain('test:a');
  });

  it('fails with UNWRAP_FAILED and reports every failure when matching keys cannot unwrap', async () => {
    const envelope = await encrypt('x', { keyring: [a, b], context });
    // Same ids, different key material: they match but cannot unwrap.
    const impostors = [new TestKms('a'), new TestKms('b')];
    const error = await errorOf(() => decrypt(envelope, { keyring: impostors }));
    expect(error.code).toBe(ErrorCode.UNWRAP_FAILED);
    expect(error.failures.map((f) => f.keyId)).toEqual(['a', 'b']);
    expect(error.failures.every((f) => f.error.code === ErrorCode.UNWRAP_FAILED)).toBe(true);
  });

  it('falls back to the next key when one fails', async () => {
    const envelope = await encrypt('fallback', { keyring: [a, b], context });
    const { plaintext } = await decrypt(envelope, { keyring: [new TestKms('a'), b] });
    expect(Buffer.from(plaintext).toString()).toBe('fallback');
  });

  it('stops at the first key that unwraps', async () => {
    const envelope = await encrypt('x', { keyring: [a, b], context });
    const before = { a: a.calls.unwrap, b: b.calls.unwrap };
    await decrypt(envelope, { keyring: [a, b] });
    expect(a.calls.unwrap - before.a).toBe(1);
    expect(b.calls.unwrap - before.b).toBe(0);
  });

  it("classifies a provider's plain error as UNWRAP_FAILED and keeps it as the cause", async () => {
    const envelope = await encrypt('x', { keyring: a, context });
    const down = {
      providerId: 'test',
      keyId: 'a',
      wrap: a.wrap.bind(a),
      unwrap: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    };
    const error = await errorOf(() => decrypt(envelope, { keyring: down }));
    expect(error.code).toBe(ErrorCode.UNWRAP_FAILED);
    expect((error.failures[0]!.error.cause as Error).message).toContain('ECONNREFUSED');
  });

  it("keeps the provider's classification when every failure agrees", async () => {
    const envelope = await encrypt('x', { keyring: a, context });
    const unavailable = {
      providerId: 'test',
      keyId: 'a',
      wrap: a.wrap.bind(a),
      unwrap: async () => {
        throw new EnvelopeError(ErrorCode.PROVIDER_UNAVAILABLE, 'key service is down');
      },
    };
    expect((await errorOf(() => decrypt(envelope, { keyring: unavailable }))).code).toBe(ErrorCode.PROVIDER_UNAVAILABLE);
  });

  it('fails encryption when any key cannot wrap, rather than leaving that reader out', async () => {
    const broken = { ...knownDataKey('test', 'broken', Buffer.alloc(32)) };
    const error = await errorOf(() => encrypt('x', { keyring: [a, broken] }));
    expect(error.code).toBe(ErrorCode.WRAP_FAILED);
  });

  it('refuses an empty keyring', async () => {
    expect((await errorOf(() => new Keyring([]))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('encryption context', () => {
  const key = new TestKms('ctx');

  it('returns the context the envelope carries', async () => {
    const { context: got } = await decrypt(await encrypt('x', { keyring: key, context }), { keyring: key });
    expect(got).toEqual(context);
  });

  it('accepts an expected context that is present', async () => {
    const envelope = await encrypt('x', { keyring: key, context });
    const { plaintext } = await decrypt(envelope, { keyring: key, expectedContext: { tenant: 'acme' } });
    expect(Buffer.from(plaintext).toString()).toBe('x');
  });

  it.each([
    ['a wrong value', { tenant: 'globex' }],
    ['a missing key', { region: 'eu' }],
  ])('fails with CONTEXT_MISMATCH for %s, before any key service call', async (_name, expectedContext) => {
    const envelope = await encrypt('x', { keyring: key, context });
    const calls = key.calls.unwrap;
    const error = await errorOf(() => decrypt(envelope, { keyring: key, expectedContext }));
    expect(error.code).toBe(ErrorCode.CONTEXT_MISMATCH);
    expect(key.calls.unwrap).toBe(calls);
  });

  it('binds the context to the wrapped key where the backend has AAD', async () => {
    const envelope = Buffer.from(await encrypt('x', { keyring: key, context: { tenant: 'acme' } }));
    const altered = Buffer.from(envelope.toString('latin1').replace('acme', 'acmf'), 'latin1');
    expect((await errorOf(() => decrypt(altered, { keyring: key }))).code).toBe(ErrorCode.UNWRAP_FAILED);
  });
});

/** A keyring that hands out a known data key, so tests can act as an attacker who holds it. */
function keyringWithKnownKey(dataKey: Buffer): DataKeySource {
  return {
    async newDataKey() {
      return { dataKey: Buffer.from(dataKey), wrappedKeys: [{ providerId: 'test', keyId: 'known', ciphertext: Buffer.of(1) }] };
    },
    async unwrapDataKey() {
      return Buffer.from(dataKey);
    },
  };
}

describe('header authentication and key commitment', () => {
  const dataKey = randomBytes(32);
  const source = keyringWithKnownKey(dataKey);

  it('rejects a wrapped key that yields another data key (commitment), before the body', async () => {
    const envelope = await encrypt('committed', { keyring: source });
    const other = knownDataKey('test', 'known', randomBytes(32));
    const error = await errorOf(() => decrypt(envelope, { keyring: other }));
    expect(error.code).toBe(ErrorCode.INTEGRITY_FAILURE);
    expect(error.message).toContain('commitment');
  });

  it('opens to one plaintext only, whichever of two keys yielding different data keys is used', async () => {
    // An attacker's envelope whose two wrapped keys hold different data keys:
    // at most one of them can match the commitment.
    const envelope = await encrypt('only one', { keyring: source });
    const results = await Promise.allSettled([
      decrypt(envelope, { keyring: knownDataKey('test', 'known', dataKey) }),
      decrypt(envelope, { keyring: knownDataKey('test', 'known', randomBytes(32)) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('rejects a context changed by someone who cannot forge the header tag', async () => {
    const envelope = Buffer.from(await encrypt('x', { keyring: source, context: { tenant: 'acme' } }));
    const altered = Buffer.from(envelope.toString('latin1').replace('acme', 'acmf'), 'latin1');
    const error = await errorOf(() => decrypt(altered, { keyring: source }));
    expect(error.code).toBe(ErrorCode.INTEGRITY_FAILURE);
    expect(error.message).toContain('header tag');
  });

  it('rejects a changed wrapped key list (header tag covers it)', async () => {
    const envelope = Buffer.from(await encrypt('x', { keyring: source }));
    const { headerLength } = frameSpans(envelope);
    const altered = Buffer.from(envelope);
    // The one-byte wrapped ciphertext sits just before commitment (32) and tag (32).
    altered[headerLength - 65]! ^= 0xff;
    expect((await errorOf(() => decrypt(altered, { keyring: source }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });

  it('never puts the data key in an error message', async () => {
    const envelope = await encrypt('x', { keyring: source });
    const error = await errorOf(() => decrypt(envelope, { keyring: knownDataKey('test', 'known', randomBytes(32)) }));
    const text = `${error.message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(dataKey.toString('hex'));
    expect(text).not.toContain(dataKey.toString('base64'));
  });
});
