import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The emulator's ciphertext for symmetric (GOOGLE_SYMMETRIC_ENCRYPTION)
 * versions. Like a real Cloud KMS ciphertext it names its version, so Decrypt,
 * which takes the crypto key's name, can find the version that made it:
 *
 *   format (1) | version handle (16) | IV (12) | AES-256-GCM ciphertext | tag (16)
 *
 * The GCM AAD is the format byte and handle followed by the request's
 * additional_authenticated_data, so neither can change undetected.
 * The format is private to the emulator; nothing outside it should parse it.
 */
const FORMAT = 0x01;
const HANDLE_BYTES = 16;
const HEADER_BYTES = 1 + HANDLE_BYTES;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealCiphertext(handle: Buffer, secret: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const header = Buffer.concat([Buffer.of(FORMAT), handle]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.concat([header, aad]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, body, cipher.getAuthTag()]);
}

/** The version handle a ciphertext names, or undefined when it is not one of ours. */
export function ciphertextHandle(ciphertext: Buffer): Buffer | undefined {
  if (ciphertext.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || ciphertext[0] !== FORMAT) return undefined;
  return ciphertext.subarray(1, HEADER_BYTES);
}

/** The plaintext, or undefined when the tag does not verify (altered bytes, another AAD). */
export function openCiphertext(ciphertext: Buffer, secret: Buffer, aad: Buffer): Buffer | undefined {
  if (ciphertextHandle(ciphertext) === undefined) return undefined;
  const header = ciphertext.subarray(0, HEADER_BYTES);
  const iv = ciphertext.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const body = ciphertext.subarray(HEADER_BYTES + IV_BYTES, ciphertext.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', secret, iv);
  decipher.setAAD(Buffer.concat([header, aad]));
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}
