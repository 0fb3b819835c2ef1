import { randomBytes } from 'node:crypto';
import { ErrorCode, type WrappedKey } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import type { CorruptionKind } from '@envelope-kit/testing/gcp-kms';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GcpKmsKeyWrapper } from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'integrity' };

/**
 * The client library checks no checksum, so these prove the provider does:
 * each response the emulator damages must fail with INTEGRITY_FAILURE, at
 * once (not retried), and leave the wrapper working for the next call.
 */
describe('gcpkms end-to-end CRC32C and key-name checks', () => {
  let fixture: KmsFixture;
  let symmetric: GcpKmsKeyWrapper;
  let rsaVersion: string;

  beforeAll(async () => {
    fixture = await startKms();
    symmetric = fixture.wrapper(await fixture.createKey());
    rsaVersion = `${await fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256')}/cryptoKeyVersions/1`;
  });
  afterEach(() => {
    fixture.kms.clearFaults();
    fixture.kms.resetRequestCounts();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it.each<[CorruptionKind, RegExp]>([
    ['checksum', /ciphertext does not match the CRC32C/],
    ['data', /ciphertext does not match the CRC32C/],
    ['unverified', /did not confirm the plaintext checksum/],
    ['name', /answered for .*-other\/cryptoKeyVersions\/1/],
  ])('refuses an Encrypt response with a damaged %s', async (kind, message) => {
    fixture.kms.corruptNext(1, { operation: 'Encrypt', kind });
    const error = await expectEnvelopeError(symmetric.wrap(randomBytes(32), CONTEXT), ErrorCode.INTEGRITY_FAILURE);
    expect(error.message).toMatch(message);
    expect(fixture.kms.requestCount('Encrypt')).toBe(1);
    await symmetric.wrap(randomBytes(32), CONTEXT);
  });

  it.each<CorruptionKind>(['checksum', 'data'])('refuses a Decrypt response whose plaintext and %s disagree', async (kind) => {
    const wrapped = await symmetric.wrap(randomBytes(32), CONTEXT);
    fixture.kms.corruptNext(1, { operation: 'Decrypt', kind });
    const error = await expectEnvelopeError(symmetric.unwrap(wrapped, CONTEXT), ErrorCode.INTEGRITY_FAILURE);
    expect(error.message).toMatch(/data key does not match the CRC32C/);
    expect(fixture.kms.requestCount('Decrypt')).toBe(1);
  });

  it.each<CorruptionKind>(['checksum', 'data', 'name'])('refuses a public key with a damaged %s, and fetches it again next time', async (kind) => {
    const rsa = fixture.wrapper(rsaVersion);
    fixture.kms.corruptNext(1, { operation: 'GetPublicKey', kind });
    await expectEnvelopeError(rsa.wrap(randomBytes(32), CONTEXT), ErrorCode.INTEGRITY_FAILURE);
    const dataKey = randomBytes(32);
    const wrapped = await rsa.wrap(dataKey, CONTEXT);
    expect(Buffer.from(await rsa.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    expect(fixture.kms.requestCount('GetPublicKey')).toBe(2);
  });

  it.each<CorruptionKind>(['checksum', 'data', 'unverified'])('refuses an AsymmetricDecrypt response with a damaged %s', async (kind) => {
    const rsa = fixture.wrapper(rsaVersion);
    const wrapped: WrappedKey = await rsa.wrap(randomBytes(32), CONTEXT);
    fixture.kms.corruptNext(1, { operation: 'AsymmetricDecrypt', kind });
    await expectEnvelopeError(rsa.unwrap(wrapped, CONTEXT), ErrorCode.INTEGRITY_FAILURE);
    expect(fixture.kms.requestCount('AsymmetricDecrypt')).toBe(1);
  });
});
