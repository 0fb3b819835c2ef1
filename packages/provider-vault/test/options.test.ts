import { randomBytes } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import nodeVault from 'node-vault';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeyWrapper, readVaultSettings } from '../src/index.js';
import { FAST_RETRIES, startVault, type VaultFixture } from './support.js';

const SECRET_TOKEN = 'hvs.do-not-print-this-token-000000';

function settingsError(options: Record<string, unknown> | undefined, env: Record<string, string>): EnvelopeError {
  try {
    readVaultSettings(options, env);
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('vault settings: options and environment', () => {
  it('reads VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE, VAULT_CLIENT_TIMEOUT and VAULT_MAX_RETRIES', () => {
    const settings = readVaultSettings(undefined, {
      VAULT_ADDR: 'https://vault.example.com:8200',
      VAULT_TOKEN: SECRET_TOKEN,
      VAULT_NAMESPACE: '/eu/payments/',
      VAULT_CLIENT_TIMEOUT: '5',
      VAULT_MAX_RETRIES: '0',
    });
    expect(settings).toMatchObject({
      address: 'https://vault.example.com:8200',
      token: SECRET_TOKEN,
      namespace: 'eu/payments',
      requestTimeoutMs: 5000,
      retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 2000 },
    });
    expect(readVaultSettings(undefined, { VAULT_CLIENT_TIMEOUT: '250ms' }).requestTimeoutMs).toBe(250);
    expect(readVaultSettings(undefined, { VAULT_CLIENT_TIMEOUT: '30s' }).requestTimeoutMs).toBe(30_000);
  });

  it('has bounded defaults: a 10 s timeout per attempt and 3 attempts', () => {
    expect(readVaultSettings(undefined, {})).toEqual({
      address: undefined,
      token: undefined,
      namespace: undefined,
      client: undefined,
      binding: undefined,
      requestTimeoutMs: 10_000,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2000 },
    });
  });

  it('prefers options to the environment, treats empty variables as unset, and ignores unknown options', () => {
    const settings = readVaultSettings(
      { address: 'http://127.0.0.1:8200', token: 'hvs.option', namespace: 'us', maxAttempts: 5, requestTimeoutMs: 100, baseDir: '/tmp' },
      { VAULT_ADDR: 'https://other:8200', VAULT_TOKEN: 'hvs.env', VAULT_NAMESPACE: 'eu', VAULT_MAX_RETRIES: '', VAULT_CLIENT_TIMEOUT: '' },
    );
    expect(settings).toMatchObject({ address: 'http://127.0.0.1:8200', token: 'hvs.option', namespace: 'us', requestTimeoutMs: 100, retry: { maxAttempts: 5 } });
  });

  it('refuses bad values with INVALID_ARGUMENT, never echoing a token', () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown> | undefined, Record<string, string>, RegExp]> = [
      [{ address: 'ftp://vault' }, {}, /"address" must be an http\(s\) URL/],
      [undefined, { VAULT_ADDR: 'vault.example.com' }, /VAULT_ADDR must be an http\(s\) URL/],
      [{ token: `${SECRET_TOKEN} ` }, {}, /"token" must be/],
      [undefined, { VAULT_TOKEN: `${SECRET_TOKEN}\n` }, /VAULT_TOKEN must be/],
      [{ maxAttempts: 0 }, {}, /"maxAttempts" must be an integer from 1 to 10/],
      [{ requestTimeoutMs: 1.5 }, {}, /"requestTimeoutMs"/],
      [{ binding: 'aad' }, {}, /"binding" must be context, associated_data or none/],
      [{ client: {} }, {}, /"client" must be a node-vault client/],
      [{ retryBaseDelayMs: 500, retryMaxDelayMs: 100 }, {}, /retryMaxDelayMs/],
      [undefined, { VAULT_CLIENT_TIMEOUT: 'soon' }, /VAULT_CLIENT_TIMEOUT/],
      [undefined, { VAULT_MAX_RETRIES: '-1' }, /VAULT_MAX_RETRIES/],
      [undefined, { VAULT_NAMESPACE: 'a b' }, /namespace/],
    ];
    for (const [options, env, reason] of cases) {
      const error = settingsError(options, env);
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toMatch(reason);
      expect(error.message).not.toContain(SECRET_TOKEN);
    }
  });
});

describe('createKeyWrapper: configured from the environment, as the CLI does', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('from-env');
    await fixture.createKey('in-namespace', { namespace: 'eu' });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('needs an address and a token, one way or the other', () => {
    vi.stubEnv('VAULT_ADDR', '');
    vi.stubEnv('VAULT_TOKEN', '');
    expect(() => createKeyWrapper('vault://transit/keys/k')).toThrow(/no Vault address.*VAULT_ADDR/);
    vi.stubEnv('VAULT_ADDR', fixture.vault.endpoint);
    expect(() => createKeyWrapper('vault://transit/keys/k')).toThrow(/no Vault token.*VAULT_TOKEN/);
  });

  it('wraps and unwraps with VAULT_ADDR and VAULT_TOKEN alone', async () => {
    vi.stubEnv('VAULT_ADDR', fixture.vault.endpoint);
    vi.stubEnv('VAULT_TOKEN', fixture.vault.token);
    vi.stubEnv('VAULT_NAMESPACE', '');
    const key = createKeyWrapper('vault://transit/keys/from-env');
    const dataKey = randomBytes(32);
    expect(Buffer.from(await key.unwrap(await key.wrap(dataKey, {}), {}))).toEqual(dataKey);
  });

  it('takes the namespace from VAULT_NAMESPACE, the URI winning over it, and records it in the key id', async () => {
    vi.stubEnv('VAULT_ADDR', fixture.vault.endpoint);
    vi.stubEnv('VAULT_TOKEN', fixture.vault.token);
    vi.stubEnv('VAULT_NAMESPACE', 'eu');
    const fromEnv = createKeyWrapper('vault://transit/keys/in-namespace', FAST_RETRIES);
    expect(fromEnv.keyId).toBe('eu/transit/keys/in-namespace');
    const wrapped = await fromEnv.wrap(randomBytes(32), {});
    expect(wrapped.keyId).toBe('eu/transit/keys/in-namespace');

    const elsewhere = createKeyWrapper('vault://transit/keys/in-namespace?namespace=us', FAST_RETRIES);
    expect(elsewhere.keyId).toBe('us/transit/keys/in-namespace');
    await expectEnvelopeError(elsewhere.wrap(randomBytes(32), {}), ErrorCode.KEY_NOT_FOUND);
  });

  it('uses a node-vault client given as an option, sending the namespace when the client has none', async () => {
    const client = nodeVault({ apiVersion: 'v1', endpoint: fixture.vault.endpoint, token: fixture.vault.token });
    const key = createKeyWrapper('vault://transit/keys/in-namespace?namespace=eu', { client, ...FAST_RETRIES });
    const dataKey = randomBytes(16);
    expect(Buffer.from(await key.unwrap(await key.wrap(dataKey, { a: 'b' }), { a: 'b' }))).toEqual(dataKey);
  });
});
