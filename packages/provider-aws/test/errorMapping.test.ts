import { randomBytes } from 'node:crypto';
import { ErrorCode, type WrappedKey } from '@envelope-kit/core';
import { expectEnvelopeError, type KmsErrorType } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsKmsKeyWrapper } from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'error-mapping' };

// What each KMS error means to a caller of Envelope Kit.
const UNWRAP_TABLE: readonly (readonly [KmsErrorType, ErrorCode])[] = [
  ['NotFoundException', ErrorCode.KEY_NOT_FOUND],
  ['DisabledException', ErrorCode.KEY_DISABLED],
  ['KMSInvalidStateException', ErrorCode.KEY_DISABLED],
  ['InvalidCiphertextException', ErrorCode.UNWRAP_FAILED],
  ['IncorrectKeyException', ErrorCode.UNWRAP_FAILED],
  ['AccessDeniedException', ErrorCode.PERMISSION_DENIED],
  ['UnrecognizedClientException', ErrorCode.PERMISSION_DENIED],
  ['InvalidSignatureException', ErrorCode.PERMISSION_DENIED],
  ['ThrottlingException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['KMSInternalException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['DependencyTimeoutException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['KeyUnavailableException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['ServiceUnavailableException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['InvalidKeyUsageException', ErrorCode.INVALID_KEY],
  ['ValidationException', ErrorCode.INVALID_ARGUMENT],
  // Not one this provider knows: unwrapping failed, and the cause says why.
  ['SerializationException', ErrorCode.UNWRAP_FAILED],
];

const WRAP_TABLE: readonly (readonly [KmsErrorType, ErrorCode])[] = [
  ['NotFoundException', ErrorCode.KEY_NOT_FOUND],
  ['DisabledException', ErrorCode.KEY_DISABLED],
  ['AccessDeniedException', ErrorCode.PERMISSION_DENIED],
  ['ThrottlingException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['KMSInternalException', ErrorCode.PROVIDER_UNAVAILABLE],
  ['SerializationException', ErrorCode.WRAP_FAILED],
];

describe('awskms error mapping: every KMS error becomes a core code, with the SDK error as cause', () => {
  let fixture: KmsFixture;
  let key: AwsKmsKeyWrapper;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startKms();
    // One attempt: this table is about classification, not retries.
    key = fixture.wrapper(`awskms:///${await fixture.createKey()}`, { maxAttempts: 1 });
    dataKey = randomBytes(32);
    wrapped = await key.wrap(dataKey, CONTEXT);
  });
  afterAll(async () => {
    await fixture.close();
  });

  const neverShowsTheKey = (message: string): void => {
    expect(message).not.toContain(dataKey.toString('hex'));
    expect(message).not.toContain(dataKey.toString('base64'));
  };

  it.each(UNWRAP_TABLE)('Decrypt answering %s -> %s', async (type, code) => {
    fixture.kms.failNext(1, { operation: 'Decrypt', error: type });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), code);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe(type);
    expect(error.message).toContain(type);
    expect(error.message).toContain(wrapped.keyId);
    neverShowsTheKey(error.message);
  });

  it.each(WRAP_TABLE)('Encrypt answering %s -> %s', async (type, code) => {
    fixture.kms.failNext(1, { operation: 'Encrypt', error: type });
    const error = await expectEnvelopeError(key.wrap(dataKey, CONTEXT), code);
    expect((error.cause as Error).name).toBe(type);
    neverShowsTheKey(error.message);
  });

  it('GenerateDataKey failures are classified the same way', async () => {
    fixture.kms.failNext(1, { operation: 'GenerateDataKey', error: 'AccessDeniedException' });
    await expectEnvelopeError(key.generateDataKey(32, CONTEXT), ErrorCode.PERMISSION_DENIED);
  });

  it('the key lookup (DescribeKey) failures are classified too', async () => {
    const fresh = fixture.wrapper(`awskms:///${await fixture.createKey()}`, { maxAttempts: 1 });
    fixture.kms.failNext(1, { operation: 'DescribeKey', error: 'AccessDeniedException' });
    const error = await expectEnvelopeError(fresh.wrap(dataKey, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as Error).name).toBe('AccessDeniedException');
    // A failed lookup is not cached: the next call looks again and succeeds.
    expect((await fresh.wrap(dataKey, CONTEXT)).keyId).toBe(fresh.keyArn);
  });
});
