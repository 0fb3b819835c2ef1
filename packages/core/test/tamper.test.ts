import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { decrypt, decryptStream, encrypt, ErrorCode, type EnvelopeError } from '../src/index.js';
import { frameSpans } from './envelopeLayout.js';
import { bytes, chunked, errorOf, TestKms } from './helpers.js';

const FRAME = 64;
const key = new TestKms('tamper');
const plaintext = bytes(3 * FRAME + 10);
const envelope = Buffer.from(await encrypt(plaintext, { keyring: key, context: { a: '1' }, frameSize: FRAME }));
const { headerLength, frames } = frameSpans(envelope);

const REJECTIONS: string[] = [
  ErrorCode.MALFORMED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNSUPPORTED_SUITE,
  ErrorCode.TRUNCATED,
  ErrorCode.INTEGRITY_FAILURE,
  ErrorCode.NO_MATCHING_KEY,
  ErrorCode.UNWRAP_FAILED,
  ErrorCode.LIMIT_EXCEEDED,
];

describe('tampering', () => {
  it('has the layout the tests assume (4 frames)', () => {
    expect(frames).toHaveLength(4);
    expect(frames.at(-1)!.end).toBe(envelope.length);
  });

  it('rejects every single-byte change, anywhere in the envelope', async () => {
    for (let i = 0; i < envelope.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const altered = Buffer.from(envelope);
        altered[i]! ^= flip;
        const error = await errorOf(() => decrypt(altered, { keyring: key }));
        expect(REJECTIONS, `byte ${i} ^ ${flip}: ${error.code}`).toContain(error.code);
      }
    }
  });

  it('rejects truncation at every length, with TRUNCATED', async () => {
    for (let length = 0; length < envelope.length; length++) {
      const error = await errorOf(() => decrypt(envelope.subarray(0, length), { keyring: key }));
      expect(error.code, `cut at ${length}`).toBe(ErrorCode.TRUNCATED);
    }
  });

  it('rejects an envelope cut at each frame boundary', async () => {
    for (const frame of frames) {
      const error = await errorOf(() => decrypt(envelope.subarray(0, frame.start), { keyring: key }));
      expect(error.code).toBe(ErrorCode.TRUNCATED);
    }
  });

  it('rejects swapped frames', async () => {
    const [f0, f1] = frames as [{ start: number; end: number }, { start: number; end: number }];
    const swapped = Buffer.concat([
      envelope.subarray(0, f0.start),
      envelope.subarray(f1.start, f1.end),
      envelope.subarray(f0.start, f0.end),
      envelope.subarray(f1.end),
    ]);
    expect((await errorOf(() => decrypt(swapped, { keyring: key }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });

  it('rejects a dropped middle frame', async () => {
    const f1 = frames[1]!;
    const dropped = Buffer.concat([envelope.subarray(0, f1.start), envelope.subarray(f1.end)]);
    expect((await errorOf(() => decrypt(dropped, { keyring: key }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });

  it('rejects a duplicated frame', async () => {
    const f1 = frames[1]!;
    const duplicated = Buffer.concat([envelope.subarray(0, f1.end), envelope.subarray(f1.start)]);
    expect((await errorOf(() => decrypt(duplicated, { keyring: key }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });

  it('rejects a body spliced from another message under the same key', async () => {
    const other = Buffer.from(await encrypt(plaintext, { keyring: key, context: { a: '1' }, frameSize: FRAME }));
    const spliced = Buffer.concat([envelope.subarray(0, headerLength), other.subarray(frameSpans(other).headerLength)]);
    expect((await errorOf(() => decrypt(spliced, { keyring: key }))).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });

  it('rejects bytes after the final frame', async () => {
    const padded = Buffer.concat([envelope, Buffer.of(0)]);
    expect((await errorOf(() => decrypt(padded, { keyring: key }))).code).toBe(ErrorCode.MALFORMED);
  });
});

/** Everything a stream emits (in flowing mode, as it is pushed) until it errors. */
async function drain(stream: Readable): Promise<{ released: Buffer[]; error: EnvelopeError }> {
  const released: Buffer[] = [];
  stream.on('data', (piece: Buffer) => released.push(piece));
  const error = await errorOf(() => finished(stream));
  return { released, error };
}

describe('streaming release', () => {
  it('releases only verified frames before failing on a tampered frame', async () => {
    const altered = Buffer.from(envelope);
    altered[frames[2]!.start + 3]! ^= 0x01;
    const { released, error } = await drain(chunked(altered, 7).pipe(decryptStream({ keyring: key })));
    expect(error.code).toBe(ErrorCode.INTEGRITY_FAILURE);
    // Exactly the two frames before the tampered one, unaltered.
    expect(Buffer.concat(released).equals(plaintext.subarray(0, 2 * FRAME))).toBe(true);
  });

  it('fails a truncated stream after releasing only whole verified frames', async () => {
    const cut = envelope.subarray(0, frames[3]!.start + 4);
    const { released, error } = await drain(chunked(cut, 5).pipe(decryptStream({ keyring: key })));
    expect(error.code).toBe(ErrorCode.TRUNCATED);
    expect(Buffer.concat(released).equals(plaintext.subarray(0, 3 * FRAME))).toBe(true);
  });

  it('emits plaintext before the whole envelope has arrived', async () => {
    const stream = decryptStream({ keyring: key });
    const first = new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.write(envelope.subarray(0, frames[1]!.end));
    // Two frames are in; the first must be out without the rest of the input.
    expect((await first).equals(plaintext.subarray(0, FRAME))).toBe(true);
    stream.destroy();
  });
});

describe('decryptStream header', () => {
  it('resolves with the verified header before the plaintext is consumed', async () => {
    const stream = chunked(envelope, 50).pipe(decryptStream({ keyring: key }));
    const header = await stream.header;
    expect(header.context).toEqual({ a: '1' });
    expect(header.frameSize).toBe(FRAME);
    stream.resume();
    await finished(stream);
  });

  it('rejects when the header does not verify', async () => {
    const altered = Buffer.from(envelope);
    altered[headerLength - 1]! ^= 1;
    const stream = chunked(altered, 50).pipe(decryptStream({ keyring: key }));
    stream.on('error', () => undefined);
    expect((await errorOf(() => stream.header)).code).toBe(ErrorCode.INTEGRITY_FAILURE);
  });
});
