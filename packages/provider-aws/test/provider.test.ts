import { randomBytes } from 'node:crypto';
import { ErrorCode, ProviderRegistry } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as provider from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

describe('awskms as a registry provider', () => {
  let fixture: KmsFixture;

  beforeAll(async () => {
    fixture = await startKms();
    await fixture.createKey({ alias: 'alias/registry' });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('exports the scheme and factory the registry loads', async () => {
    expect(provider.scheme).toBe('awskms');
    const registry = new ProviderRegistry({}).registerModule(provider);
    const key = await registry.resolve('awskms://alias/registry?region=us-east-1', {
      endpoint: fixture.kms.endpoint,
      credentials: fixture.kms.credentials,
      // Options of other providers are ignored, so one object can serve a whole keyring.
      baseDir: '/keys',
    });
    expect(key.providerId).toBe('awskms');
    expect((await key.wrap(randomBytes(32), {})).keyId).toMatch(/:key\//);
    (key as provider.AwsKmsKeyWrapper).close();
  });

  it('makes no KMS call until the key is used', () => {
    const before = fixture.kms.requestCount();
    provider.createKeyWrapper('awskms://alias/registry?region=us-east-1', { endpoint: fixture.kms.endpoint, credentials: fixture.kms.credentials }).close();
    expect(fixture.kms.requestCount()).toBe(before);
  });

  it.each([
    [{ client: {} }, 'client'],
    [{ region: 42 }, 'region'],
    [{ region: '' }, 'region'],
    [{ endpoint: 'ftp://kms.example' }, 'endpoint'],
    [{ endpoint: 'not a url' }, 'endpoint'],
    [{ credentials: { accessKeyId: 'AKIA' } }, 'credentials'],
    [{ credentials: 'AKIA:secret' }, 'credentials'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 2.5 }, 'maxAttempts'],
    [{ requestTimeoutMs: -1 }, 'requestTimeoutMs'],
    [{ connectionTimeoutMs: '1000' }, 'connectionTimeoutMs'],
  ])('refuses option %j with INVALID_ARGUMENT naming %s', async (options, name) => {
    const error = await expectEnvelopeError(async () => provider.createKeyWrapper('awskms://alias/registry?region=us-east-1', options), ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(`"${name}"`);
  });

  it('refuses a bad key identifier given to the wrapper directly', () => {
    const client = fixture.admin;
    expect(() => new provider.AwsKmsKeyWrapper(client, 'arn:aws:kms:nowhere')).toThrow(/not a KMS key identifier/);
  });

  it('refuses data keys KMS cannot take, before any call', async () => {
    const key = fixture.wrapper('awskms://alias/registry?region=us-east-1');
    await expectEnvelopeError(key.wrap(new Uint8Array(0), {}), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(key.wrap(randomBytes(4097), {}), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(key.generateDataKey(0, {}), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(key.generateDataKey(1025, {}), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(key.unwrap({ providerId: 'awskms', keyId: 'x', ciphertext: new Uint8Array(0) }, {}), ErrorCode.UNWRAP_FAILED);
  });
});
