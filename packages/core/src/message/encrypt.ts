import { startEncryption } from './encryptSession.js';
import { requireBytes, type EncryptOptions } from './options.js';

const utf8 = new TextEncoder();

/** Encrypts `plaintext` (bytes, or a string as UTF-8) into one envelope. */
export async function encrypt(plaintext: Uint8Array | string, options: EncryptOptions): Promise<Uint8Array> {
  const bytes = typeof plaintext === 'string' ? utf8.encode(plaintext) : requireBytes(plaintext, 'plaintext');
  const { header, sealer } = await startEncryption(options, { plaintextLength: bytes.length });
  try {
    return Buffer.concat([header, ...sealer.update(bytes), ...sealer.final()]);
  } finally {
    sealer.dispose();
  }
}
