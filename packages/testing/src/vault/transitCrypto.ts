import { constants, createCipheriv, createDecipheriv, createHmac, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import type { TransitKey } from './transitKeys.js';
import { badRequest, internalError } from './vaultError.js';

/**
 * Transit's encryption, as Vault's keysutil does it:
 *   ciphertext = "vault:v" + version + ":" + base64(body)
 *   AES-GCM body = nonce (12) | ciphertext | tag (16), AAD = associated_data
 *   derived keys: HKDF-SHA256(version secret, no salt, info = context)
 *   RSA body = RSA-OAEP (SHA-256, MGF1-SHA-256, no label) of the plaintext
 * Error messages and their statuses are Vault's, so clients classify them as
 * they would Vault's.
 */
export interface CipherInputs {
  /** Key-derivation context; required by derived keys, ignored by the others. */
  readonly context?: Buffer | undefined;
  /** AEAD associated data (AES-GCM keys only; the operations refuse it for RSA). */
  readonly associatedData?: Buffer | undefined;
}

const PREFIX = 'vault:v';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SHA256_BYTES = 32;

/** Vault's ErrTooOld, shared by decrypt and rewrap. */
export const TOO_OLD = 'ciphertext or signature version is disallowed by policy (too old)';
export const MISSING_CONTEXT =
  "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key";

export function encryptValue(key: TransitKey, version: number, plaintext: Buffer, inputs: CipherInputs): string {
  if (version < 1 || version > key.latestVersion) {
    throw badRequest('requested version for encryption is higher than the latest key version');
  }
  const { material } = key.version(version);
  let body: Buffer;
  if (material.kind === 'rsa') {
    try {
      body = publicEncrypt({ key: material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext);
    } catch {
      // Go's rsa.EncryptOAEP fails only on length, and Vault reports it as an internal error.
      throw internalError('failed to RSA encrypt the plaintext: crypto/rsa: message too long for RSA key size');
    }
  } else {
    const secret = symmetricKey(key, material.secret, inputs.context);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(gcmAlgorithm(secret), secret, nonce);
    if (inputs.associatedData) cipher.setAAD(inputs.associatedData);
    body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
  return `${PREFIX}${version}:${body.toString('base64')}`;
}

/** Decrypts a `vault:vN:` ciphertext; returns the plaintext and the version it was under. */
export function decryptValue(key: TransitKey, ciphertext: string, inputs: CipherInputs): { plaintext: Buffer; version: number } {
  if (!ciphertext.startsWith(PREFIX)) throw badRequest('invalid ciphertext: no prefix');
  const rest = ciphertext.slice(PREFIX.length);
  const separator = rest.indexOf(':');
  if (separator < 0) throw badRequest('invalid ciphertext: wrong number of fields');
  const versionText = rest.slice(0, separator);
  if (!/^[+-]?\d+$/.test(versionText)) throw badRequest('invalid ciphertext: version number could not be decoded');
  // Vault's first ciphertexts were v0; it reads them as version 1.
  const version = Math.max(1, Number(versionText));
  if (version > key.latestVersion) throw badRequest('invalid ciphertext: version is too new');
  if (version < key.minDecryptionVersion) throw badRequest(TOO_OLD);
  const encoded = rest.slice(separator + 1);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(encoded)) {
    throw badRequest('invalid ciphertext: could not decode base64');
  }
  const body = Buffer.from(encoded, 'base64');
  const { material } = key.version(version);

  if (material.kind === 'rsa') {
    try {
      const plaintext = privateDecrypt({ key: material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, body);
      return { plaintext, version };
    } catch {
      // Vault wraps this one as an internal error, so it arrives as a 500.
      throw internalError('failed to RSA decrypt the ciphertext: crypto/rsa: decryption error');
    }
  }
  const secret = symmetricKey(key, material.secret, inputs.context);
  if (body.length < NONCE_BYTES) throw badRequest('invalid ciphertext length');
  if (body.length < NONCE_BYTES + TAG_BYTES) throw badRequest('cipher: message authentication failed');
  const decipher = createDecipheriv(gcmAlgorithm(secret), secret, body.subarray(0, NONCE_BYTES));
  if (inputs.associatedData) decipher.setAAD(inputs.associatedData);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return { plaintext: Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]), version };
  } catch {
    throw badRequest('cipher: message authentication failed');
  }
}

/**
 * RFC 5869 HKDF with SHA-256 and an empty salt, written out because Node's
 * hkdf caps `info` at 1024 bytes and Vault takes contexts of any length.
 */
export function hkdfSha256(secret: Buffer, info: Buffer, length: number): Buffer {
  if (length > 255 * SHA256_BYTES) throw new RangeError('HKDF output too long');
  const pseudoRandomKey = createHmac('sha256', Buffer.alloc(SHA256_BYTES)).update(secret).digest();
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let counter = 1; blocks.length * SHA256_BYTES < length; counter++) {
    previous = createHmac('sha256', pseudoRandomKey).update(previous).update(info).update(Buffer.from([counter])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function symmetricKey(key: TransitKey, secret: Buffer, context: Buffer | undefined): Buffer {
  if (!key.derived) return secret;
  if (context === undefined || context.length === 0) throw badRequest(MISSING_CONTEXT);
  return hkdfSha256(secret, context, secret.length);
}

function gcmAlgorithm(secret: Buffer): 'aes-128-gcm' | 'aes-256-gcm' {
  return secret.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
}
