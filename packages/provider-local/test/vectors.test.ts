import { readFileSync } from 'node:fs';
import { decrypt } from '@envelope-kit/core';
import { describe, expect, it } from 'vitest';
import { localKeyWrapper } from '../src/index.js';

interface VectorFile {
  localPrivateKeyPem: string;
  vectors: { name: string; context: Record<string, string>; keyId: string; plaintextHex: string; envelopeHex: string }[];
}

const file: VectorFile = JSON.parse(readFileSync(new URL('../../../docs/vectors/v1.json', import.meta.url), 'utf8'));
const key = localKeyWrapper(file.localPrivateKeyPem);

// Core replays these with their published data keys; here the data key comes
// out of RSA-OAEP with the context as label, as any reader would get it.
describe('format v1 test vectors (docs/vectors/v1.json), with the RSA key', () => {
  it('names the vector key by its fingerprint', () => {
    expect(new Set(file.vectors.map((v) => v.keyId))).toEqual(new Set([key.keyId]));
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s decrypts to its plaintext', async (_name, vector) => {
    const { plaintext, context } = await decrypt(Buffer.from(vector.envelopeHex, 'hex'), { keyring: key });
    expect(Buffer.from(plaintext).toString('hex')).toBe(vector.plaintextHex);
    expect(context).toEqual(vector.context);
  });
});
