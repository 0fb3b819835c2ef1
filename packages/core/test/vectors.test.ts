import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../src/index.js';
import { errorOf, knownDataKey } from './helpers.js';

interface VectorFile {
  vectors: { name: string; context: Record<string, string>; frameSize: number; keyId: string; dataKeyHex: string; plaintextHex: string; envelopeHex: string }[];
  invalid: { name: string; code: string; envelopeHex: string }[];
}

const file: VectorFile = JSON.parse(readFileSync(new URL('../../../docs/vectors/v1.json', import.meta.url), 'utf8'));
const base = file.vectors.find((v) => v.name === 'several frames, Unicode context')!;

// The published data keys stand in for the RSA unwrap, so these pin the
// format and key schedule alone; provider-local replays them with the RSA key.
describe('format v1 test vectors (docs/vectors/v1.json), with their data keys', () => {
  it.each(file.vectors.map((v) => [v.name, v] as const))('%s decrypts to its plaintext', async (_name, vector) => {
    const keyring = knownDataKey('local', vector.keyId, Buffer.from(vector.dataKeyHex, 'hex'));
    const result = await decrypt(Buffer.from(vector.envelopeHex, 'hex'), { keyring });
    expect(Buffer.from(result.plaintext).toString('hex')).toBe(vector.plaintextHex);
    expect(result.context).toEqual(vector.context);
    expect(result.header.frameSize).toBe(vector.frameSize);
  });

  it.each(file.invalid.map((v) => [v.name, v] as const))('%s is rejected with its code', async (_name, vector) => {
    const keyring = knownDataKey('local', base.keyId, Buffer.from(base.dataKeyHex, 'hex'));
    const error = await errorOf(() => decrypt(Buffer.from(vector.envelopeHex, 'hex'), { keyring }));
    expect(error.code).toBe(vector.code);
  });

  it('covers the cases the spec names', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(6);
    expect(new Set(file.invalid.map((v) => v.code))).toEqual(
      new Set(['MALFORMED', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_SUITE', 'INTEGRITY_FAILURE', 'TRUNCATED']),
    );
  });
});
