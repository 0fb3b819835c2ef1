import { createHash, createPrivateKey, createPublicKey, createSecretKey, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@envelope-kit/core';
import { localKeyWrapper, publicKeyFingerprint } from '../src/index.js';
import { expectEnvelopeError, pemOf, rsaPair, type RsaPair } from './helpers.js';

let pair: RsaPair;
let other: RsaPair;
let expectedId: string;

beforeAll(() => {
  pair = rsaPair();
  other = rsaPair();
  // Computed here the way `openssl pkey -pubin -outform DER | sha256sum` does, not with the code under test.
  const spkiDer = pair.publicKey.export({ type: 'spki', format: 'der' });
  expectedId = `sha256:${createHash('sha256').update(spkiDer).digest('hex')}`;
});

describe('key id', () => {
  it('is sha256: and the lowercase hex SHA-256 of the SPKI DER', () => {
    expect(expectedId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(publicKeyFingerprint(pair.publicKey)).toBe(expectedId);
    expect(publicKeyFingerprint(pair.privateKey)).toBe(expectedId);
  });

  it('is the same for every form of the same key', () => {
    const forms = {
      'KeyObject private': pair.privateKey,
      'KeyObject public': pair.publicKey,
      'PKCS#8 PEM': pemOf(pair.privateKey, 'pkcs8'),
      'PKCS#1 private PEM': pemOf(pair.privateKey, 'pkcs1'),
      'SPKI PEM': pemOf(pair.publicKey, 'spki'),
      'PKCS#1 public PEM': pemOf(pair.publicKey, 'pkcs1'),
      'private JWK': pair.privateKey.export({ format: 'jwk' }),
      'public JWK': pair.publicKey.export({ format: 'jwk' }),
      'public JWK as JSON text': JSON.stringify(pair.publicKey.export({ format: 'jwk' })),
      'PKCS#8 DER re-imported': createPrivateKey({ key: pair.privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' }),
      'public key derived': createPublicKey(pair.privateKey),
    };
    for (const [form, material] of Object.entries(forms)) {
      expect(localKeyWrapper(material).keyId, form).toBe(expectedId);
    }
  });

  it('differs between keys', () => {
    expect(publicKeyFingerprint(other.publicKey)).not.toBe(expectedId);
  });

  it('cannot be taken of a secret key', async () => {
    await expectEnvelopeError(() => publicKeyFingerprint(createSecretKey(randomBytes(32))), ErrorCode.INVALID_ARGUMENT);
  });
});

describe('in-memory key material', () => {
  it('holds the private key when given private material, and only the public key otherwise', () => {
    expect(localKeyWrapper(pair.privateKey.export({ format: 'jwk' })).hasPrivateKey).toBe(true);
    expect(localKeyWrapper(pair.publicKey.export({ format: 'jwk' })).hasPrivateKey).toBe(false);
    expect(localKeyWrapper(pemOf(pair.privateKey, 'pkcs1')).hasPrivateKey).toBe(true);
    expect(localKeyWrapper(pemOf(pair.publicKey, 'pkcs1')).hasPrivateKey).toBe(false);
  });

  it('refuses material that is neither KeyObject, PEM nor JWK', async () => {
    await expectEnvelopeError(() => localKeyWrapper(42 as never), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(() => localKeyWrapper(null as never), ErrorCode.INVALID_ARGUMENT);
  });
});
