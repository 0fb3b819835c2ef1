import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { decrypt, encrypt, ErrorCode, inspect, wrapperMatches } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_KMS_PROVIDER_ID, AwsKmsKeyWrapper, createKeyWrapper } from '../src/index.js';
import { keyIdOf, startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'matching' };

describe('awskms key identity: envelopes record the key ARN, wrappers match it however they were named', () => {
  let fixture: KmsFixture;
  let arn: string;
  let otherArn: string;

  beforeAll(async () => {
    fixture = await startKms();
    arn = await fixture.createKey({ alias: 'alias/orders' });
    otherArn = await fixture.createKey({ alias: 'alias/other' });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('records the key ARN when configured by alias, and a wrapper by ARN, key id or alias ARN decrypts it', async () => {
    const byAlias = fixture.wrapper('awskms://alias/orders?region=us-east-1');
    const envelope = await encrypt('hello', { keyring: byAlias, context: CONTEXT });
    expect((await inspect(envelope)).wrappedKeys.map((w) => [w.providerId, w.keyId])).toEqual([[AWS_KMS_PROVIDER_ID, arn]]);

    for (const uri of [
      `awskms:///${arn}`,
      `awskms://${keyIdOf(arn)}?region=us-east-1`,
      'awskms:///arn:aws:kms:us-east-1:111122223333:alias/orders',
      'awskms://alias/orders?region=us-east-1',
    ]) {
      const result = await decrypt(envelope, { keyring: fixture.wrapper(uri) });
      expect(Buffer.from(result.plaintext).toString(), uri).toBe('hello');
    }
  });

  it('matches before any KMS call where the name allows it, and exactly once resolved', async () => {
    const recorded = { providerId: AWS_KMS_PROVIDER_ID, keyId: arn };
    const other = { providerId: AWS_KMS_PROVIDER_ID, keyId: otherArn };

    const byArn = fixture.wrapper(`awskms:///${arn}`);
    const byKeyId = fixture.wrapper(`awskms://${keyIdOf(arn)}?region=us-east-1`);
    expect([byArn.matches(recorded), byArn.matches(other)]).toEqual([true, false]);
    expect([byKeyId.matches(recorded), byKeyId.matches(other)]).toEqual([true, false]);

    // An alias may point anywhere until resolved: it claims every awskms key, then only its own.
    const byAlias = fixture.wrapper('awskms://alias/orders?region=us-east-1');
    expect([byAlias.matches(recorded), byAlias.matches(other)]).toEqual([true, true]);
    await byAlias.resolve();
    expect([byAlias.matches(recorded), byAlias.matches(other)]).toEqual([true, false]);
    expect(byAlias.matches({ providerId: 'local', keyId: arn })).toBe(false);
  });

  it('refuses, without a KMS call, a wrapped key recorded under another ARN', async () => {
    const byAlias = fixture.wrapper('awskms://alias/orders?region=us-east-1');
    const wrapped = await fixture.wrapper(`awskms:///${otherArn}`).wrap(randomBytes(32), CONTEXT);
    fixture.kms.resetRequestCounts();
    const error = await expectEnvelopeError(byAlias.unwrap(wrapped, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(error.message).toContain(otherArn);
    expect(fixture.kms.requestCount('Decrypt')).toBe(0);
  });

  it('lets KMS refuse a ciphertext of another key recorded under this ARN (IncorrectKeyException)', async () => {
    const key = fixture.wrapper(`awskms:///${arn}`);
    const foreign = await fixture.wrapper(`awskms:///${otherArn}`).wrap(randomBytes(32), CONTEXT);
    const error = await expectEnvelopeError(key.unwrap({ ...foreign, keyId: arn }, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect((error.cause as Error).name).toBe('IncorrectKeyException');
  });

  it('describes the key once, however many wraps and unwraps follow', async () => {
    const key = fixture.wrapper('awskms://alias/orders?region=us-east-1');
    fixture.kms.resetRequestCounts();
    const wrapped = await Promise.all(Array.from({ length: 10 }, () => key.wrap(randomBytes(32), CONTEXT)));
    await Promise.all(wrapped.map((w) => key.unwrap(w, CONTEXT)));
    expect(fixture.kms.requestCounts()).toEqual({ DescribeKey: 1, Encrypt: 10, Decrypt: 10 });
    expect(wrapped.every((w) => wrapperMatches(key, w))).toBe(true);
  });

  it('refuses a client configured for another region than the key ARN names', async () => {
    const client = new KMSClient({ ...fixture.kms.clientConfig('eu-central-1'), maxAttempts: 1 });
    try {
      const key = createKeyWrapper(`awskms:///${arn}`, { client });
      const error = await expectEnvelopeError(key.wrap(randomBytes(32), CONTEXT), ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toContain('eu-central-1');
    } finally {
      client.destroy();
    }
  });

  it('uses a given client as is, and leaves it open on close()', async () => {
    const client = new KMSClient({ ...fixture.kms.clientConfig(), maxAttempts: 1 });
    try {
      const key = createKeyWrapper('awskms://alias/orders?region=us-east-1', { client, endpoint: 'http://ignored.invalid' });
      expect(key).toBeInstanceOf(AwsKmsKeyWrapper);
      const wrapped = await key.wrap(randomBytes(32), CONTEXT);
      key.close();
      expect((await key.unwrap(wrapped, CONTEXT)).length).toBe(32);
    } finally {
      client.destroy();
    }
  });
});
