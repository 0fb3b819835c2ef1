import { randomBytes } from 'node:crypto';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { ErrorCode } from '@envelope-kit/core';
import { DEFAULT_GCP_KMS_EMULATOR_TOKEN } from '@envelope-kit/testing/gcp-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyWrapper,
  DEFAULT_EMULATOR_TOKEN,
  GCP_KMS_EMULATOR_HOST_ENV,
  GCP_KMS_EMULATOR_TOKEN_ENV,
  kmsCallOptions,
  parseEmulatorHost,
  readGcpKmsOptions,
  scheme,
} from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'provider' };
const invalid = expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT });

describe('gcpkms options and environment', () => {
  it('uses Application Default Credentials when nothing is configured', () => {
    expect(readGcpKmsOptions(undefined, {})).toEqual({});
    // Names of other providers' options (the CLI's baseDir) are ignored.
    expect(readGcpKmsOptions({ baseDir: '/tmp', region: 'us-east-1' }, {})).toEqual({});
  });

  it('selects the emulator from GCP_KMS_EMULATOR_HOST, with its default token unless GCP_KMS_EMULATOR_TOKEN is set', () => {
    expect(readGcpKmsOptions({}, { [GCP_KMS_EMULATOR_HOST_ENV]: '127.0.0.1:8085' })).toEqual({ emulatorHost: '127.0.0.1:8085', emulatorToken: DEFAULT_EMULATOR_TOKEN });
    expect(readGcpKmsOptions({}, { [GCP_KMS_EMULATOR_HOST_ENV]: 'localhost:9', [GCP_KMS_EMULATOR_TOKEN_ENV]: 'tok' })).toEqual({ emulatorHost: 'localhost:9', emulatorToken: 'tok' });
    // A token alone selects nothing: it is never sent to the real service.
    expect(readGcpKmsOptions({}, { [GCP_KMS_EMULATOR_TOKEN_ENV]: 'tok' })).toEqual({});
  });

  it('lets options override the environment', () => {
    const env = { [GCP_KMS_EMULATOR_HOST_ENV]: '127.0.0.1:1', [GCP_KMS_EMULATOR_TOKEN_ENV]: 'env-token' };
    expect(readGcpKmsOptions({ emulatorHost: '[::1]:2', emulatorToken: 'opt' }, env)).toEqual({ emulatorHost: '[::1]:2', emulatorToken: 'opt' });
  });

  it('refuses malformed options with INVALID_ARGUMENT', () => {
    expect(() => readGcpKmsOptions({ client: {} }, {})).toThrow(invalid);
    expect(() => readGcpKmsOptions({ emulatorHost: 'http://127.0.0.1:1' }, {})).toThrow(invalid);
    expect(() => readGcpKmsOptions({}, { [GCP_KMS_EMULATOR_HOST_ENV]: '127.0.0.1' })).toThrow(invalid);
    expect(() => readGcpKmsOptions({}, { [GCP_KMS_EMULATOR_HOST_ENV]: '127.0.0.1:1', [GCP_KMS_EMULATOR_TOKEN_ENV]: 'two words' })).toThrow(invalid);
    expect(() => readGcpKmsOptions({ maxAttempts: 0 }, {})).toThrow(invalid);
    expect(() => readGcpKmsOptions({ maxAttempts: 11 }, {})).toThrow(invalid);
    expect(() => readGcpKmsOptions({ attemptTimeoutMs: 1.5 }, {})).toThrow(invalid);
    expect(() => readGcpKmsOptions({ retryDelayMs: -1 }, {})).toThrow(invalid);
    expect(() => parseEmulatorHost('127.0.0.1:70000')).toThrow(invalid);
  });

  it('keeps the default emulator token equal to the emulator\'s', () => {
    expect(DEFAULT_EMULATOR_TOKEN).toBe(DEFAULT_GCP_KMS_EMULATOR_TOKEN);
  });

  it('builds bounded gax retry settings, fresh for every call, with the token only for an emulator', () => {
    const options = kmsCallOptions({ maxAttempts: 4, attemptTimeoutMs: 2_000, retryDelayMs: 50, emulatorToken: 't' });
    const first = options();
    expect(first).toEqual({
      retry: {
        retryCodes: [14, 4, 8],
        backoffSettings: {
          maxRetries: 4,
          initialRetryDelayMillis: 50,
          retryDelayMultiplier: 2,
          maxRetryDelayMillis: 1_000,
          initialRpcTimeoutMillis: 2_000,
          rpcTimeoutMultiplier: 1,
          maxRpcTimeoutMillis: 2_000,
        },
      },
      otherArgs: { headers: { authorization: 'Bearer t' } },
    });
    expect(options()).not.toBe(first);
    expect(options().retry.backoffSettings).not.toBe(first.retry.backoffSettings);
    expect(kmsCallOptions({})()).not.toHaveProperty('otherArgs');
    expect(kmsCallOptions({})().retry.backoffSettings).toMatchObject({ maxRetries: 3, initialRpcTimeoutMillis: 3_000, initialRetryDelayMillis: 100 });
  });
});

describe('createKeyWrapper against the emulator', () => {
  let fixture: KmsFixture;
  let key: string;

  beforeAll(async () => {
    fixture = await startKms();
    key = await fixture.createKey();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('exports the gcpkms scheme and makes no call until first use', async () => {
    expect(scheme).toBe('gcpkms');
    fixture.kms.resetRequestCounts();
    const wrapper = createKeyWrapper(`gcpkms://${key}`, { emulatorHost: fixture.kms.host });
    expect(wrapper.keyId).toBe(key);
    expect(fixture.kms.requestCount()).toBe(0);
    await wrapper.close();
  });

  it('is configured by GCP_KMS_EMULATOR_HOST and GCP_KMS_EMULATOR_TOKEN alone, as the CLI configures it', async () => {
    const saved = { host: process.env[GCP_KMS_EMULATOR_HOST_ENV], token: process.env[GCP_KMS_EMULATOR_TOKEN_ENV] };
    process.env[GCP_KMS_EMULATOR_HOST_ENV] = fixture.kms.host;
    process.env[GCP_KMS_EMULATOR_TOKEN_ENV] = fixture.kms.token;
    try {
      const wrapper = createKeyWrapper(`gcpkms://${key}`, { baseDir: process.cwd() });
      const dataKey = randomBytes(32);
      expect(Buffer.from(await wrapper.unwrap(await wrapper.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
      await wrapper.close();
    } finally {
      restore(GCP_KMS_EMULATOR_HOST_ENV, saved.host);
      restore(GCP_KMS_EMULATOR_TOKEN_ENV, saved.token);
    }
  });

  it('takes a client instead of the environment, and refuses it together with emulatorHost', async () => {
    // A client for the emulator, so constructing it does not go looking for Application Default Credentials.
    const client = new KeyManagementServiceClient(fixture.kms.clientOptions());
    const env = { [GCP_KMS_EMULATOR_HOST_ENV]: '127.0.0.1:1', [GCP_KMS_EMULATOR_TOKEN_ENV]: 'env-token' };
    expect(readGcpKmsOptions({ client }, env)).toEqual({ client });
    expect(() => readGcpKmsOptions({ client, emulatorHost: '127.0.0.1:1' }, {})).toThrow(invalid);
    await client.close();
  });

  it('uses a given client as is, and leaves it open on close()', async () => {
    const client = new KeyManagementServiceClient(fixture.kms.clientOptions());
    const wrapper = createKeyWrapper(`gcpkms://${key}`, { client, emulatorToken: fixture.kms.token });
    const dataKey = randomBytes(32);
    expect(Buffer.from(await wrapper.unwrap(await wrapper.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
    await wrapper.close();
    const [cryptoKey] = await client.getCryptoKey({ name: key }, fixture.kms.callOptions());
    expect(cryptoKey.name).toBe(key);
    await client.close();
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
