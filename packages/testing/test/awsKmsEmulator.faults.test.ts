import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsKmsEmulator, KMS_ERROR_STATUS, type KmsErrorType } from '../src/index.js';
import { kmsClient, rejectionOf } from './awsKmsClient.js';

describe('AWS KMS emulator: fault injection', () => {
  let kms: AwsKmsEmulator;
  let client: KMSClient;
  let keyId: string;

  beforeAll(async () => {
    kms = await AwsKmsEmulator.start();
    client = kmsClient(kms);
    keyId = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  });
  afterEach(async () => {
    kms.clearFaults();
    kms.resetRequestCounts();
    await kms.goOnline();
  });
  afterAll(async () => {
    client.destroy();
    await kms.close();
  });

  const describeKey = (on: KMSClient = client) => on.send(new DescribeKeyCommand({ KeyId: keyId }));

  it('throttles the next N requests, then recovers: the SDK retries through it', async () => {
    const retrying = kmsClient(kms, { maxAttempts: 3 });
    try {
      kms.throttleNext(2);
      const response = await describeKey(retrying);
      expect(response.KeyMetadata?.KeyId).toBe(keyId);
      expect(response.$metadata.attempts).toBe(3);
      expect(kms.requestCount('DescribeKey')).toBe(3);
    } finally {
      retrying.destroy();
    }
  });

  it('throttles until cleared with Infinity', async () => {
    kms.throttleNext(Infinity);
    for (let i = 0; i < 3; i++) {
      expect(await rejectionOf(describeKey())).toMatchObject({ name: 'ThrottlingException', status: 400 });
    }
    kms.clearFaults();
    expect((await describeKey()).KeyMetadata?.KeyId).toBe(keyId);
  });

  it('scopes a fault to one operation', async () => {
    kms.failNext(1, { operation: 'Encrypt', error: 'DependencyTimeoutException' });
    expect((await describeKey()).KeyMetadata?.KeyId).toBe(keyId);
    expect(await rejectionOf(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })))).toMatchObject({
      name: 'DependencyTimeoutException',
      status: 500,
    });
    expect((await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))).KeyId).toBeTruthy();
  });

  it('answers injected errors in the KMS shape and status, as the SDK parses them', async () => {
    const types: KmsErrorType[] = [
      'NotFoundException',
      'InvalidCiphertextException',
      'DisabledException',
      'IncorrectKeyException',
      'AccessDeniedException',
      'ThrottlingException',
      'KMSInternalException',
      'ValidationException',
      'KMSInvalidStateException',
    ];
    for (const type of types) {
      kms.failNext(1, { error: type, message: `injected ${type}` });
      expect(await rejectionOf(describeKey()), type).toEqual({ name: type, message: `injected ${type}`, status: KMS_ERROR_STATUS[type] });
    }
  });

  it('fails with KMSInternalException (500) by default, which the SDK retries', async () => {
    const retrying = kmsClient(kms, { maxAttempts: 3 });
    try {
      kms.failNext(1);
      const response = await describeKey(retrying);
      expect(response.$metadata.attempts).toBe(2);
    } finally {
      retrying.destroy();
    }
  });

  it('adds latency, to one operation or to all', async () => {
    kms.setLatency(400, { operation: 'DescribeKey' });
    let started = performance.now();
    await describeKey();
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);

    // Another operation is not slowed (generous bound: this machine may be busy).
    started = performance.now();
    await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    expect(performance.now() - started).toBeLessThan(300);

    kms.setLatency(0, { operation: 'DescribeKey' });
    kms.setLatency(150);
    started = performance.now();
    await describeKey();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('goes offline (connections refused) and comes back on the same endpoint with its keys', async () => {
    const endpoint = kms.endpoint;
    await describeKey(); // leaves a pooled keep-alive connection, which the outage cuts
    await kms.goOffline();
    expect(kms.online).toBe(false);
    const errorCode = (call: Promise<unknown>): Promise<string | undefined> =>
      call.then(
        () => 'no error',
        (error: unknown) => (error as NodeJS.ErrnoException).code,
      );
    // A pooled connection may die mid-request (reset); a new one is refused.
    expect(['ECONNRESET', 'ECONNREFUSED']).toContain(await errorCode(describeKey()));
    const fresh = kmsClient(kms);
    try {
      expect(await errorCode(describeKey(fresh))).toBe('ECONNREFUSED');
    } finally {
      fresh.destroy();
    }

    await kms.goOnline();
    expect(kms.endpoint).toBe(endpoint);
    expect((await describeKey()).KeyMetadata?.KeyId).toBe(keyId);
  });

  it('counts requests per operation, refused ones included', async () => {
    kms.failNext(1, { operation: 'DescribeKey', error: 'AccessDeniedException' });
    await rejectionOf(describeKey());
    await describeKey();
    await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    expect(kms.requestCounts()).toEqual({ DescribeKey: 2, Encrypt: 1 });
    expect(kms.requestCount()).toBe(3);
    expect(kms.requestCount('Decrypt')).toBe(0);
  });

  it('refuses nonsensical fault settings', () => {
    expect(() => kms.failNext(0)).toThrow(RangeError);
    expect(() => kms.throttleNext(1.5)).toThrow(RangeError);
    expect(() => kms.setLatency(-1)).toThrow(RangeError);
  });
});
