import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode, type WrappedKey } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsKmsKeyWrapper } from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'resilience' };

describe('awskms under throttling, server errors, timeouts and outages', () => {
  let fixture: KmsFixture;
  let arn: string;
  let key: AwsKmsKeyWrapper;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startKms();
    arn = await fixture.createKey();
    // The provider's defaults: 3 attempts.
    key = fixture.wrapper(`awskms:///${arn}`);
    dataKey = randomBytes(32);
    wrapped = await key.wrap(dataKey, CONTEXT);
  });
  afterEach(async () => {
    fixture.kms.clearFaults();
    fixture.kms.resetRequestCounts();
    await fixture.kms.goOnline();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('rides out throttling that stops: the SDK retries and the unwrap succeeds', async () => {
    fixture.kms.throttleNext(2, { operation: 'Decrypt' });
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    expect(fixture.kms.requestCount('Decrypt')).toBe(3);
  });

  it('reports persistent throttling as PROVIDER_UNAVAILABLE after exactly maxAttempts tries', async () => {
    fixture.kms.throttleNext(Infinity, { operation: 'Decrypt' });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as Error).name).toBe('ThrottlingException');
    expect(fixture.kms.requestCount('Decrypt')).toBe(3);
  });

  it('reports persistent 5xx as PROVIDER_UNAVAILABLE, and recovers from a transient one', async () => {
    fixture.kms.failNext(1, { operation: 'Encrypt' });
    expect((await key.wrap(dataKey, CONTEXT)).keyId).toBe(arn);

    fixture.kms.failNext(Infinity, { operation: 'Encrypt', error: 'KMSInternalException' });
    const error = await expectEnvelopeError(key.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
  });

  it('reports an endpoint that refuses connections as PROVIDER_UNAVAILABLE', async () => {
    await fixture.kms.goOffline();
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((error.cause as NodeJS.ErrnoException).code);
    await expectEnvelopeError(key.generateDataKey(32, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
  });

  it('gives up on a request that hangs past requestTimeoutMs: PROVIDER_UNAVAILABLE', async () => {
    const impatient = fixture.wrapper(`awskms:///${arn}`, { requestTimeoutMs: 150, maxAttempts: 2 });
    await impatient.resolve();
    fixture.kms.setLatency(2_000, { operation: 'Decrypt' });
    const started = performance.now();
    const error = await expectEnvelopeError(impatient.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('encrypts again once KMS is back', async () => {
    await fixture.kms.goOffline();
    await expectEnvelopeError(encrypt('x', { keyring: key }), ErrorCode.PROVIDER_UNAVAILABLE);
    await fixture.kms.goOnline();
    const envelope = await encrypt('back', { keyring: key, context: CONTEXT });
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).toString()).toBe('back');
  });
});
