import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, EnvelopeError, inspect } from '../src/index.js';
import { DecryptSession } from '../src/message/decryptSession.js';
import { bytes, TestKms } from './helpers.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = new TestKms('fuzz');
const plaintext = bytes(700);
const envelope = Buffer.from(await encrypt(plaintext, { keyring: key, context: { a: 'b', c: 'd' }, frameSize: 128 }));

function mutate(random: () => number): Buffer {
  const out = Buffer.from(envelope);
  const edits = 1 + Math.floor(random() * 4);
  let result = out;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * result.length);
    const kind = Math.floor(random() * 4);
    if (kind === 0) result[at] = Math.floor(random() * 256);
    else if (kind === 1) result = result.subarray(0, at);
    else if (kind === 2) result = Buffer.concat([result.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), result.subarray(at)]);
    else result = Buffer.concat([result.subarray(0, at), result.subarray(at + 1 + Math.floor(random() * 40))]);
  }
  return result;
}

describe('random corruption', () => {
  it('never crashes, hangs or releases plaintext: 3000 mutated envelopes, one-shot, streamed and inspected', async () => {
    const random = prng(20261128);
    for (let i = 0; i < 3000; i++) {
      const input = mutate(random);
      if (input.equals(envelope)) continue;
      // One-shot: an EnvelopeError, never plaintext.
      await expect(decrypt(input, { keyring: key }), `case ${i}`).rejects.toBeInstanceOf(EnvelopeError);
      // Streamed in odd chunks: whatever is released before the error is a verified prefix.
      const session = new DecryptSession({ keyring: key });
      const released: Uint8Array[] = [];
      let failed = false;
      try {
        for (let at = 0; at < input.length; at += 37) released.push(...(await session.update(input.subarray(at, at + 37))));
        session.final();
      } catch (error) {
        expect(error, `case ${i}`).toBeInstanceOf(EnvelopeError);
        failed = true;
      }
      expect(failed, `case ${i}`).toBe(true);
      const prefix = Buffer.concat(released);
      expect(plaintext.subarray(0, prefix.length).equals(prefix), `case ${i}`).toBe(true);
      // Inspect: either parses or fails with an EnvelopeError.
      await inspect(input).catch((error: unknown) => expect(error, `case ${i}`).toBeInstanceOf(EnvelopeError));
    }
  }, 60_000);
});
