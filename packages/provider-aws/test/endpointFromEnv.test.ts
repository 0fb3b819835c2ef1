import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyWrapper, type AwsKmsKeyWrapper } from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'env' };

/**
 * The CLI configures nothing but the key URI and relies on the SDK reading the
 * environment; these tests pin that the SDK does, with no option set.
 */
describe('awskms with endpoint, region and credentials from the environment only', () => {
  let fixture: KmsFixture;
  const created: AwsKmsKeyWrapper[] = [];
  const fromEnv = (uri: string): AwsKmsKeyWrapper => {
    const wrapper = createKeyWrapper(uri);
    created.push(wrapper);
    return wrapper;
  };

  beforeAll(async () => {
    fixture = await startKms();
    await fixture.createKey({ alias: 'alias/from-env' });
  });
  beforeEach(() => {
    // Nothing from this machine's own AWS setup may leak in.
    for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_KMS', 'AWS_DEFAULT_REGION']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/envelope-kit/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/envelope-kit/credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', fixture.kms.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', fixture.kms.credentials.secretAccessKey);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const wrapper of created.splice(0)) wrapper.close();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('honours AWS_ENDPOINT_URL_KMS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', fixture.kms.endpoint);
    const key = fromEnv('awskms://alias/from-env');
    const dataKey = randomBytes(32);
    expect(Buffer.from(await key.unwrap(await key.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
    expect(fixture.kms.requestCount('Encrypt')).toBeGreaterThan(0);
  });

  it('honours AWS_ENDPOINT_URL', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', fixture.kms.endpoint);
    const key = fromEnv('awskms://alias/from-env');
    expect((await key.wrap(randomBytes(32), CONTEXT)).keyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
  });

  it('takes the region from ?region= over AWS_REGION', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', fixture.kms.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-3');
    const key = fromEnv('awskms://alias/from-env?region=us-east-1');
    expect((await key.resolve()).arn).toContain(':us-east-1:');
  });

  it('reports credentials from the environment that KMS refuses as PERMISSION_DENIED', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', fixture.kms.endpoint);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret-00000000000000000000000000');
    const error = await expectEnvelopeError(fromEnv('awskms://alias/from-env').wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as Error).name).toBe('InvalidSignatureException');
  });

  it('reports no credentials anywhere as PERMISSION_DENIED', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', fixture.kms.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    const error = await expectEnvelopeError(fromEnv('awskms://alias/from-env').wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as Error).name).toBe('CredentialsProviderError');
  });
});
