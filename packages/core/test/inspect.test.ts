import { describe, expect, it } from 'vitest';
import { encrypt, ErrorCode, inspect } from '../src/index.js';
import { bytes, chunked, errorOf, TestKms } from './helpers.js';

const FRAME = 128;
const keys = [new TestKms('first'), new TestKms('second')];
const plaintext = bytes(3 * FRAME + 5);
const context = { app: 'billing' };
const envelope = Buffer.from(await encrypt(plaintext, { keyring: keys, context, frameSize: FRAME }));

describe('inspect, without any key', () => {
  it('reports the header fields', async () => {
    const info = await inspect(envelope);
    expect(info.formatVersion).toBe(1);
    expect(info.suite.id).toBe(1);
    expect(info.messageId).toMatch(/^[0-9a-f]{64}$/);
    expect(info.frameSize).toBe(FRAME);
    expect(info.context).toEqual(context);
    expect(info.wrappedKeys.map((k) => [k.providerId, k.keyId])).toEqual([
      ['test', 'first'],
      ['test', 'second'],
    ]);
    expect(info.wrappedKeys.every((k) => k.ciphertext.length > 32)).toBe(true);
  });

  it('walks the body for frame count and lengths', async () => {
    const info = await inspect(envelope);
    expect(info.body).toEqual({ frames: 4, plaintextLength: plaintext.length, length: envelope.length - info.headerLength });
  });

  it('reads a stream in chunks the same way', async () => {
    expect(await inspect(chunked(envelope, 13))).toEqual(await inspect(envelope));
  });

  it('stops after the header when asked', async () => {
    const info = await inspect(envelope, { scanBody: false });
    expect(info.body).toBeUndefined();
    expect(info.headerLength).toBeGreaterThan(100);
  });

  it('reports truncation', async () => {
    expect((await errorOf(() => inspect(envelope.subarray(0, envelope.length - 1)))).code).toBe(ErrorCode.TRUNCATED);
    expect((await errorOf(() => inspect(envelope.subarray(0, 30)))).code).toBe(ErrorCode.TRUNCATED);
  });
});
