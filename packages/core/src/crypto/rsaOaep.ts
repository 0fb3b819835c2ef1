import { constants, publicEncrypt, type KeyObject } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';

const SHA256_BYTES = 32;

/**
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256 under a public key: how providers
 * wrap a data key locally for an RSA key (local keys, and cloud RSA keys whose
 * public part they have fetched). OAEP fits at most k - 2·32 - 2 bytes; a
 * larger input is refused here with a clear message, not OpenSSL's.
 */
export function rsaOaepSha256Encrypt(publicKey: KeyObject, plaintext: Uint8Array, keyName: string, label?: Uint8Array): Buffer {
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  const capacity = Math.ceil(modulusBits / 8) - 2 * SHA256_BYTES - 2;
  if (plaintext.length > capacity) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `${keyName} (${modulusBits}-bit RSA-OAEP-SHA-256) wraps at most ${capacity} bytes; the data key is ${plaintext.length}`,
    );
  }
  try {
    return publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', ...(label ? { oaepLabel: label } : {}) },
      plaintext,
    );
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.WRAP_FAILED, `RSA-OAEP wrapping with the public key of ${keyName} failed`, { cause });
  }
}
