import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KmsError } from './kmsError.js';

/**
 * The emulator's ciphertext blob for symmetric keys. Like a real KMS blob it
 * names its key, so Decrypt works without a KeyId:
 *
 *   version (1) | key id length (1) | key id (ASCII) | IV (12) | AES-256-GCM ciphertext | tag (16)
 *
 * The AAD is everything before the IV followed by the canonical encryption
 * context, so neither the key id nor the context can change undetected.
 * The format is private to the emulator; nothing outside it should parse it.
 */
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealBlob(keyId: string, secret: Buffer, plaintext: Buffer, context: Readonly<Record<string, string>>): Buffer {
  const header = blobHeader(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, body, cipher.getAuthTag()]);
}

/** The key id a blob names, or undefined when it is not one of ours. */
export function blobKeyId(blob: Buffer): string | undefined {
  if (blob.length < 2 || blob[0] !== VERSION) return undefined;
  const length = blob[1]!;
  if (length === 0 || blob.length < 2 + length + IV_BYTES + TAG_BYTES + 1) return undefined;
  const keyId = blob.subarray(2, 2 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(keyId) ? keyId : undefined;
}

export function openBlob(blob: Buffer, secret: Buffer, context: Readonly<Record<string, string>>): Buffer {
  const keyId = blobKeyId(blob);
  if (keyId === undefined) throw invalidCiphertext();
  const headerLength = 2 + keyId.length;
  const iv = blob.subarray(headerLength, headerLength + IV_BYTES);
  const body = blob.subarray(headerLength + IV_BYTES, blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', secret, iv);
  decipher.setAAD(Buffer.concat([blob.subarray(0, headerLength), canonicalContext(context)]));
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // KMS says the same for a wrong context as for altered bytes.
    throw invalidCiphertext();
  }
}

/**
 * Pairs sorted by the UTF-8 bytes of their keys, as JSON: an absent context and
 * `{}` are the same, and member order on the wire does not matter.
 */
export function canonicalContext(context: Readonly<Record<string, string>>): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

function blobHeader(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'latin1');
  if (id.length === 0 || id.length > 255) throw new KmsError('KMSInternalException', 'key id does not fit a ciphertext blob');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id]);
}

function invalidCiphertext(): KmsError {
  return new KmsError('InvalidCiphertextException', 'The ciphertext is invalid or was encrypted under a different encryption context.');
}
