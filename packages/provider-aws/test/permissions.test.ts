import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError, type EmulatorCredentials } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKms, type KmsFixture } from './support.js';

const ADMIN: EmulatorCredentials = { accessKeyId: 'AKIAADMIN00000000001', secretAccessKey: 'admin-secret-00000000000000000000000000000' };
// A producer of RSA envelopes needs only to look the key up and fetch its public key.
const RSA_PRODUCER: EmulatorCredentials = {
  accessKeyId: 'AKIAPRODUCER00000001',
  secretAccessKey: 'producer-secret-000000000000000000000000000',
  allow: ['DescribeKey', 'GetPublicKey'],
};
const CONSUMER: EmulatorCredentials = {
  accessKeyId: 'AKIACONSUMER00000001',
  secretAccessKey: 'consumer-secret-000000000000000000000000000',
  allow: ['DescribeKey', 'Decrypt'],
};
const CONTEXT = { purpose: 'permissions' };

describe('awskms credentials and permissions', () => {
  let fixture: KmsFixture;
  let symmetricArn: string;
  let rsaArn: string;

  beforeAll(async () => {
    fixture = await startKms([ADMIN, RSA_PRODUCER, CONSUMER]);
    [symmetricArn, rsaArn] = await Promise.all([fixture.createKey(), fixture.createKey({ spec: 'RSA_2048' })]);
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('reports a request signed with the wrong secret as PERMISSION_DENIED (InvalidSignatureException)', async () => {
    const forged = fixture.wrapper(`awskms:///${symmetricArn}`, {
      credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'wrong-secret-0000000000000000000000000000000' },
    });
    const error = await expectEnvelopeError(forged.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as Error).name).toBe('InvalidSignatureException');
    // Refused, not retried: a bad signature will not get better.
    expect(fixture.kms.requestCount('DescribeKey')).toBe(1);
  });

  it('reports an unknown access key as PERMISSION_DENIED (UnrecognizedClientException)', async () => {
    const stranger = fixture.wrapper(`awskms:///${symmetricArn}`, {
      credentials: { accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: ADMIN.secretAccessKey },
    });
    const error = await expectEnvelopeError(stranger.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as Error).name).toBe('UnrecognizedClientException');
  });

  it('lets a producer wrap with an RSA key holding only DescribeKey and GetPublicKey, then without KMS at all', async () => {
    const producer = fixture.wrapper(`awskms:///${rsaArn}`, { credentials: RSA_PRODUCER });
    const consumer = fixture.wrapper(`awskms:///${rsaArn}`, { credentials: CONSUMER });

    const first = await encrypt('first', { keyring: producer, context: CONTEXT });
    fixture.kms.resetRequestCounts();
    await fixture.kms.goOffline();
    // The public key is cached: a KMS outage does not stop this producer.
    const second = await encrypt('second', { keyring: producer, context: CONTEXT });
    expect(fixture.kms.requestCount()).toBe(0);
    await fixture.kms.goOnline();

    expect(Buffer.from((await decrypt(first, { keyring: consumer })).plaintext).toString()).toBe('first');
    expect(Buffer.from((await decrypt(second, { keyring: consumer })).plaintext).toString()).toBe('second');
    // The producer cannot read what it wrote.
    await expectEnvelopeError(decrypt(first, { keyring: producer }), ErrorCode.PERMISSION_DENIED);
  });

  it('reports a consumer wrapping with a symmetric key as PERMISSION_DENIED (AccessDeniedException)', async () => {
    const consumer = fixture.wrapper(`awskms:///${symmetricArn}`, { credentials: CONSUMER });
    const error = await expectEnvelopeError(encrypt('x', { keyring: consumer }), ErrorCode.PERMISSION_DENIED);
    expect(error.message).toContain('kms:GenerateDataKey');
  });
});
