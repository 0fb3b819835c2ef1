import { describe, expect, it } from 'vitest';
import { DecryptSession } from '../src/message/decryptSession.js';
import { decrypt, encrypt, ErrorCode, HARD_LIMITS, MAGIC } from '../src/index.js';
import { resolveLimits } from '../src/format/limits.js';
import { errorOf, TestKms } from './helpers.js';

const key = new TestKms('limits');

/** The fixed start of a v1 header: magic, version, suite, message id, frame size. */
function headerStart(frameSize = 65536): Buffer {
  const fixed = Buffer.alloc(4 + 1 + 2 + 32 + 4);
  MAGIC.copy(fixed);
  fixed[4] = 1;
  fixed.writeUInt16BE(1, 5);
  fixed.writeUInt32BE(frameSize, 39);
  return fixed;
}

const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const EMPTY_CONTEXT = Buffer.concat([u32(2), u16(0)]);

/** Feeds a header prefix to a decrypting session that would wait for more if it had to. */
async function rejectPrefix(prefix: Buffer, limits = {}) {
  const session = new DecryptSession({ keyring: key, limits });
  return errorOf(() => session.update(prefix));
}

describe('header limits, checked before anything is allocated', () => {
  it('rejects a 4 GiB context claim from the first bytes', async () => {
    const error = await rejectPrefix(Buffer.concat([headerStart(), u32(0xffffffff)]));
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(error.message).toContain('encryption context length 4294967295');
  });

  it('rejects a claim of 65535 wrapped keys from the first bytes', async () => {
    const error = await rejectPrefix(Buffer.concat([headerStart(), EMPTY_CONTEXT, u16(0xffff)]));
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(error.message).toContain('wrapped key count 65535');
  });

  it('rejects more wrapped keys than a configured limit', async () => {
    const error = await rejectPrefix(Buffer.concat([headerStart(), EMPTY_CONTEXT, u16(3)]), { maxWrappedKeys: 2 });
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
  });

  it('rejects an oversized key id and wrapped key', async () => {
    const keyStart = Buffer.concat([headerStart(), EMPTY_CONTEXT, u16(1), Buffer.of(4), Buffer.from('test')]);
    expect((await rejectPrefix(Buffer.concat([keyStart, u16(60000)]))).code).toBe(ErrorCode.LIMIT_EXCEEDED);
    const keyId = Buffer.concat([keyStart, u16(1), Buffer.from('k')]);
    expect((await rejectPrefix(Buffer.concat([keyId, u16(65535)]))).code).toBe(ErrorCode.LIMIT_EXCEEDED);
  });

  it('rejects a frame size over the limit, and under the format minimum', async () => {
    expect((await rejectPrefix(headerStart(2 ** 31))).code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect((await rejectPrefix(headerStart(1024 * 1024), { maxFrameSize: 65536 })).code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect((await rejectPrefix(headerStart(10))).code).toBe(ErrorCode.MALFORMED);
  });

  it('rejects a header with no wrapped key', async () => {
    expect((await rejectPrefix(Buffer.concat([headerStart(), EMPTY_CONTEXT, u16(0)]))).code).toBe(ErrorCode.MALFORMED);
  });

  it('waits for more bytes when a header is merely incomplete', async () => {
    const session = new DecryptSession({ keyring: key });
    expect(await session.update(Buffer.concat([headerStart(), u32(100)]))).toEqual([]);
    expect(() => session.final()).toThrowError(/inside the header/);
  });

  it('applies the configured wrapped-key limit to real envelopes, on both sides', async () => {
    const keys = [new TestKms('1'), new TestKms('2'), new TestKms('3')];
    const envelope = await encrypt('x', { keyring: keys });
    const error = await errorOf(() => decrypt(envelope, { keyring: keys[0]!, limits: { maxWrappedKeys: 2 } }));
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    const refused = await errorOf(() => encrypt('x', { keyring: keys, limits: { maxWrappedKeys: 2 } }));
    expect(refused.code).toBe(ErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses to write a context readers would refuse', async () => {
    const context = { big: 'x'.repeat(2000) };
    const error = await errorOf(() => encrypt('x', { keyring: key, context, limits: { maxContextBytes: 1024 } }));
    expect(error.code).toBe(ErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses limits past the hard ceilings', async () => {
    expect((await errorOf(() => resolveLimits({ maxFrameSize: HARD_LIMITS.maxFrameSize + 1 }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((await errorOf(() => resolveLimits({ maxWrappedKeys: 0 }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it.each([0, 63, 16 * 1024 * 1024 + 1, 1.5])('refuses to encrypt with frame size %s', async (frameSize) => {
    expect((await errorOf(() => encrypt('x', { keyring: key, frameSize }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});
