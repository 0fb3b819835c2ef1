import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  decryptStream,
  decryptTransformStream,
  encrypt,
  encryptStream,
  encryptTransformStream,
  Keyring,
} from '../src/index.js';
import { bytes, chunked, collect, TestKms } from './helpers.js';

const FRAME = 256;
const SIZES = [0, 1, FRAME - 1, FRAME, FRAME + 1, 5 * FRAME + 17];
const context = { tenant: 'acme', purpose: 'round-trip' };

describe.each([
  ['one key', () => [new TestKms('a')]],
  ['three keys', () => [new TestKms('a'), new TestKms('b'), new TestKms('c')]],
])('round trip with %s', (_name, makeKeys) => {
  const keys = makeKeys();
  const keyring = new Keyring(keys);

  it.each(SIZES)('bytes of %i', async (size) => {
    const plaintext = bytes(size);
    const envelope = await encrypt(plaintext, { keyring, context, frameSize: FRAME });
    const result = await decrypt(envelope, { keyring });
    expect(Buffer.from(result.plaintext).equals(plaintext)).toBe(true);
    expect(result.context).toEqual(context);
    expect(result.header.frameSize).toBe(FRAME);
    expect(result.header.wrappedKeys.map((k) => k.keyId)).toEqual(keys.map((k) => k.keyId));
  });

  it.each(SIZES)('node streams of %i, fed in odd chunks', async (size) => {
    const plaintext = bytes(size, 2);
    const envelope = await collect(chunked(plaintext, 97).pipe(encryptStream({ keyring, context, frameSize: FRAME })));
    const out = await collect(chunked(envelope, 61).pipe(decryptStream({ keyring })));
    expect(out.equals(plaintext)).toBe(true);
    // A stream-made envelope opens one-shot and the other way round.
    expect(Buffer.from((await decrypt(envelope, { keyring })).plaintext).equals(plaintext)).toBe(true);
  });

  it.each(SIZES)('web streams of %i', async (size) => {
    const plaintext = bytes(size, 3);
    const source = new Blob([plaintext]).stream();
    const envelope = await collect(source.pipeThrough(encryptTransformStream({ keyring, context, frameSize: FRAME })));
    const out = await collect(new Blob([envelope]).stream().pipeThrough(decryptTransformStream({ keyring })));
    expect(out.equals(plaintext)).toBe(true);
  });

  it('each key alone opens the envelope', async () => {
    const envelope = await encrypt('shared secret', { keyring, context });
    for (const key of keys) {
      const { plaintext } = await decrypt(envelope, { keyring: key });
      expect(Buffer.from(plaintext).toString()).toBe('shared secret');
    }
  });
});

describe('encrypt', () => {
  const key = new TestKms('a');

  it('encodes strings as UTF-8', async () => {
    const { plaintext } = await decrypt(await encrypt('héllo ✉', { keyring: key }), { keyring: key });
    expect(Buffer.from(plaintext).toString('utf8')).toBe('héllo ✉');
  });

  it('gives two different envelopes for the same input', async () => {
    const a = await encrypt('same', { keyring: key });
    const b = await encrypt('same', { keyring: key });
    expect(Buffer.from(a).equals(b)).toBe(false);
  });

  it('wraps with every key in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = (id: string) => {
      const inner = new TestKms(id);
      return {
        providerId: inner.providerId,
        keyId: id,
        async wrap(...args: Parameters<TestKms['wrap']>) {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight--;
          return inner.wrap(...args);
        },
        unwrap: inner.unwrap.bind(inner),
      };
    };
    await encrypt('x', { keyring: [slow('a'), slow('b'), slow('c')] });
    expect(maxInFlight).toBe(3);
  });

  it('zeroes the data key once the header is written', async () => {
    const inner = new Keyring([key]);
    let handedOut: Uint8Array | undefined;
    const source = {
      async newDataKey(length: number, ctx: Record<string, string>) {
        const materials = await inner.newDataKey(length, ctx);
        handedOut = materials.dataKey;
        return materials;
      },
      unwrapDataKey: inner.unwrapDataKey.bind(inner),
    };
    await encrypt('x', { keyring: source });
    expect(handedOut).toBeDefined();
    expect(handedOut!.every((b) => b === 0)).toBe(true);
  });

  it('pipes a large stream through with backpressure', async () => {
    const plaintext = bytes(3 * 1024 * 1024 + 5);
    const envelopeParts: Buffer[] = [];
    await pipeline(chunked(plaintext, 65536), encryptStream({ keyring: key }), async function* (source) {
      for await (const part of source) envelopeParts.push(part as Buffer);
    });
    const { plaintext: out } = await decrypt(Buffer.concat(envelopeParts), { keyring: key });
    expect(Buffer.from(out).equals(plaintext)).toBe(true);
  });
});
