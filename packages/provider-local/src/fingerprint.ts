import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/**
 * A key's id: `sha256:` and the lowercase hex SHA-256 of its public key's
 * SubjectPublicKeyInfo DER. Private and public forms (PEM, JWK, PKCS#1) of one key
 * give the same id, and OpenSSL reproduces it:
 * `openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum`.
 */
export function publicKeyFingerprint(key: KeyObject): string {
  if (!(key instanceof KeyObject) || key.type === 'secret') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'a fingerprint needs a public or private KeyObject');
  }
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}
