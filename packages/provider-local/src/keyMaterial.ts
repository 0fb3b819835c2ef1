import { createPrivateKey, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/** A key in memory: a Node `KeyObject`, PEM text (or JWK JSON text), or a parsed JWK. */
export type LocalKeyMaterial = KeyObject | string | JsonWebKey;

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]{1,40})-----/;
const LEGACY_ENCRYPTED_PEM = /Proc-Type:\s*4,ENCRYPTED/;

/**
 * Turns key material into a `KeyObject`, private when the material holds the
 * private key. Only parses: `checkRsaKey` decides whether the key is usable.
 */
export function toKeyObject(material: LocalKeyMaterial, source = 'the key material'): KeyObject {
  if (material instanceof KeyObject) return material;
  if (typeof material === 'string') return parseKeyText(material, source);
  if (material !== null && typeof material === 'object' && !Array.isArray(material)) return fromJwk(material, source);
  throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'key material must be a KeyObject, PEM text or a JSON Web Key');
}

/** Parses the text of a key file: PEM (PKCS#8, SPKI, PKCS#1) or a JWK as JSON. */
export function parseKeyText(text: string, source: string): KeyObject {
  if (text.trimStart().startsWith('{')) return fromJwk(parseJson(text, source), source);
  const label = PEM_LABEL.exec(text)?.[1];
  if (label === undefined) {
    throw new EnvelopeError(
      ErrorCode.INVALID_KEY,
      `${source} is neither PEM nor a JSON Web Key (expected -----BEGIN PRIVATE KEY-----, -----BEGIN PUBLIC KEY----- or a JWK)`,
    );
  }
  // OpenSSL reports a missing passphrase as "interrupted or cancelled", so say it first.
  if (label === 'ENCRYPTED PRIVATE KEY' || LEGACY_ENCRYPTED_PEM.test(text)) {
    throw new EnvelopeError(
      ErrorCode.INVALID_KEY,
      `${source} is passphrase-protected; passphrase-protected keys are not supported yet (decrypt it with: openssl pkey -in encrypted.pem -out key.pem)`,
    );
  }
  try {
    return label.endsWith('PRIVATE KEY')
      ? createPrivateKey({ key: text, format: 'pem' })
      : createPublicKey({ key: text, format: 'pem' });
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} could not be read as a PEM "${label}"`, { cause });
  }
}

/** A JWK for RSA-OAEP: `kty` RSA, and `use`/`alg` (when present) saying encryption with OAEP-256. */
function fromJwk(jwk: JsonWebKey, source: string): KeyObject {
  if (jwk.kty !== 'RSA') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is not an RSA JSON Web Key ("kty" must be "RSA")`);
  }
  // A key published for signatures or for another algorithm must not be reused here.
  if (jwk.use !== undefined && jwk.use !== 'enc') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is a JSON Web Key not meant for encryption ("use" must be "enc" when present)`);
  }
  if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP-256') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is a JSON Web Key for another algorithm ("alg" must be "RSA-OAEP-256" when present)`);
  }
  try {
    return jwk.d !== undefined
      ? createPrivateKey({ key: jwk, format: 'jwk' })
      : createPublicKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is not a valid RSA JSON Web Key`, { cause });
  }
}

function parseJson(text: string, source: string): JsonWebKey {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // No cause: V8's JSON errors quote the input, which here is key material.
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} starts like a JSON Web Key but is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is JSON but not a JSON Web Key object`);
  }
  return value as JsonWebKey;
}
