import { randomBytes } from 'node:crypto';
import { ErrorCode, ProviderRegistry } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AZURE_KEYVAULT_ENV, createKeyWrapper, readAzureKeyVaultOptions, scheme, staticTokenCredential } from '../src/index.js';
import { startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'options' };

describe('azurekeyvault options and environment', () => {
  it('reads and checks the options it knows, ignoring the others', () => {
    const credential = { getToken: async () => null };
    expect(readAzureKeyVaultOptions({ credential, maxRetries: 0, timeoutMs: 500, baseDir: '/tmp' })).toEqual({ credential, maxRetries: 0, timeoutMs: 500 });
    expect(readAzureKeyVaultOptions({ vaultUrl: 'https://127.0.0.1:8443/' })).toEqual({ vaultUrl: 'https://127.0.0.1:8443' });
    for (const [name, value] of [
      ['credential', { token: 'x' }],
      ['vaultUrl', 'http://127.0.0.1:8443'],
      ['vaultUrl', 'https://127.0.0.1:8443/some/path'],
      ['maxRetries', 11],
      ['timeoutMs', 0],
      ['keyCacheTtlMs', -1],
      ['accessToken', ''],
    ] as const) {
      expect(() => readAzureKeyVaultOptions({ [name]: value }), `${name}: ${JSON.stringify(value)}`).toThrow(new RegExp(`option "${name}"`));
    }
  });

  it('takes the token and the URL override from the environment when the options are silent', () => {
    const env = { [AZURE_KEYVAULT_ENV.accessToken]: ' token-from-env ', [AZURE_KEYVAULT_ENV.vaultUrl]: 'https://localhost:9443' };
    expect(readAzureKeyVaultOptions({}, env)).toEqual({ accessToken: 'token-from-env', vaultUrl: 'https://localhost:9443' });
    expect(readAzureKeyVaultOptions({ accessToken: 'given', vaultUrl: 'https://127.0.0.1:1' }, env)).toEqual({ accessToken: 'given', vaultUrl: 'https://127.0.0.1:1' });
    expect(() => readAzureKeyVaultOptions({}, { [AZURE_KEYVAULT_ENV.vaultUrl]: 'http://insecure:80' })).toThrow(/AZURE_KEYVAULT_URL_OVERRIDE must be an https URL/);
  });

  it('reads a static token\'s expiry from its JWT exp claim, and refuses an empty one', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const jwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'https://vault.azure.net', exp })).toString('base64url')}.sig`;
    expect(await staticTokenCredential(jwt).getToken('https://vault.azure.net/.default')).toMatchObject({ token: jwt, expiresOnTimestamp: exp * 1000 });
    const opaque = await staticTokenCredential('opaque').getToken('https://vault.azure.net/.default');
    expect(opaque?.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(() => staticTokenCredential('')).toThrow(/non-empty/);
  });

  it('names @azure/identity when there is no credential, no token, and the package is absent', async () => {
    vi.stubEnv(AZURE_KEYVAULT_ENV.accessToken, '');
    try {
      const error = await expectEnvelopeError(createKeyWrapper('azurekeyvault://myvault.vault.azure.net/keys/k'), ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toMatch(/@azure\/identity/);
      expect(error.message).toMatch(/AZURE_KEYVAULT_ACCESS_TOKEN/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('azurekeyvault configured by environment variables alone (as the CLI is)', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('from-env');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('uses AZURE_KEYVAULT_ACCESS_TOKEN and AZURE_KEYVAULT_URL_OVERRIDE', async () => {
    vi.stubEnv(AZURE_KEYVAULT_ENV.accessToken, fixture.kv.issueToken());
    vi.stubEnv(AZURE_KEYVAULT_ENV.vaultUrl, fixture.kv.vaultUrl);
    // Only the CA comes from options here; a process would take it from NODE_EXTRA_CA_CERTS.
    const key = await createKeyWrapper(fixture.uri('from-env'), { clientOptions: { tlsOptions: { ca: fixture.kv.caCertificate } } });
    const dataKey = randomBytes(32);
    expect(Buffer.from(await key.unwrap(await key.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
  });

  it('is found by the provider registry under its scheme', async () => {
    vi.stubEnv(AZURE_KEYVAULT_ENV.accessToken, fixture.kv.issueToken());
    vi.stubEnv(AZURE_KEYVAULT_ENV.vaultUrl, fixture.kv.vaultUrl);
    expect(scheme).toBe('azurekeyvault');
    const key = await new ProviderRegistry().resolve(fixture.uri('from-env'), { baseDir: process.cwd(), clientOptions: { tlsOptions: { ca: fixture.kv.caCertificate } } });
    expect(key.providerId).toBe('azurekeyvault');
    expect((await key.wrap(randomBytes(32), CONTEXT)).keyId).toMatch(/\/keys\/from-env\/[0-9a-f]{32}$/);
  });

  it('reports an access token the vault did not issue as PERMISSION_DENIED', async () => {
    vi.stubEnv(AZURE_KEYVAULT_ENV.accessToken, 'stale-or-foreign-token');
    vi.stubEnv(AZURE_KEYVAULT_ENV.vaultUrl, fixture.kv.vaultUrl);
    const key = await createKeyWrapper(fixture.uri('from-env'), { clientOptions: { tlsOptions: { ca: fixture.kv.caCertificate } }, maxRetries: 0 });
    await expectEnvelopeError(key.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
  });
});
