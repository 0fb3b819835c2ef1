import { request } from 'node:https';
import { KeyClient } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureKeyVaultEmulator, KEY_VAULT_SCOPE } from '../src/azure-keyvault/index.js';
import { restErrorOf } from './azureRestError.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: { readonly error?: { readonly code?: string; readonly message?: string; readonly innererror?: { readonly code?: string } } };
}

/** One HTTPS request as any client would send it, trusting only the emulator's CA. */
function raw(kv: AzureKeyVaultEmulator, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${kv.vaultUrl}${path}`, { method, headers, ca: kv.caCertificate }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawResponse['body'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const API = '?api-version=2025-07-01';

describe('Azure Key Vault emulator: TLS, the bearer challenge and access policies', () => {
  let kv: AzureKeyVaultEmulator;

  beforeAll(async () => {
    kv = await AzureKeyVaultEmulator.start();
    await new KeyClient(kv.vaultUrl, kv.credential(), kv.clientOptions()).createRsaKey('guarded');
  });
  afterAll(async () => {
    await kv.close();
  });

  it('answers a request without a token with 401 and the challenge the SDK parses', async () => {
    const response = await raw(kv, 'GET', `/keys/guarded/${API}`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${kv.tenantId}", resource="https://vault.azure.net"`,
    );
    expect(response.body.error).toEqual({ code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' });
  });

  it('lets the SDK complete the challenge: one probe without a token, then a token for the challenge scope and tenant', async () => {
    const before = kv.tokenRequests.length;
    kv.resetRequestCounts();
    const keys = new KeyClient(kv.vaultUrl, kv.credential(), kv.clientOptions());
    expect((await keys.getKey('guarded')).name).toBe('guarded');
    expect(kv.requestCount('getKey')).toBe(2);
    expect(kv.tokenRequests.slice(before)).toEqual([{ scopes: [KEY_VAULT_SCOPE], tenantId: kv.tenantId }]);
    // Later requests reuse the token: no probe, no new token.
    await keys.getKey('guarded');
    expect(kv.requestCount('getKey')).toBe(3);
    expect(kv.tokenRequests.length).toBe(before + 1);
  });

  it('refuses a token it did not issue, and an expired one, with 401 and the challenge', async () => {
    for (const token of ['forged', kv.issueToken({ lifetimeSeconds: -1 })]) {
      const response = await raw(kv, 'GET', `/keys/guarded/${API}`, { authorization: `Bearer ${token}` });
      expect(response.status, token).toBe(401);
      expect(response.body.error?.code).toBe('Unauthorized');
      expect(response.headers['www-authenticate']).toContain('resource="https://vault.azure.net"');
    }
    const accepted = await raw(kv, 'GET', `/keys/guarded/${API}`, { authorization: `Bearer ${kv.issueToken()}` });
    expect(accepted.status).toBe(200);
  });

  it('has the SDK fail with 401 when its credential returns a token the emulator does not know', async () => {
    const forged = { getToken: async () => ({ token: 'not-from-the-emulator', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const keys = new KeyClient(kv.vaultUrl, forged, { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
    expect(await restErrorOf(keys.getKey('guarded'))).toMatchObject({ statusCode: 401, code: 'Unauthorized' });
  });

  it('enforces access-policy permissions with 403 Forbidden / AccessDenied', async () => {
    const wrapOnly = new KeyClient(kv.vaultUrl, kv.credential({ permissions: ['wrapKey', 'unwrapKey'] }), { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
    const refused = await restErrorOf(wrapOnly.getKey('guarded'));
    expect(refused).toMatchObject({ statusCode: 403, code: 'Forbidden', innerCode: 'AccessDenied' });
    expect(refused.message).toMatch(/does not have keys get permission on key vault/);
    expect(await restErrorOf(wrapOnly.createRsaKey('not-allowed'))).toMatchObject({ statusCode: 403, innerCode: 'AccessDenied' });
    // The permission it has works without get: the crypto client falls back to the remote operation.
    const wrapped = await wrapOnly.getCryptographyClient('guarded').wrapKey('RSA-OAEP-256', Buffer.alloc(32, 1));
    expect(wrapped.result).toHaveLength(256);
  });

  it('requires the api-version query parameter', async () => {
    const response = await raw(kv, 'GET', '/keys/guarded', { authorization: `Bearer ${kv.issueToken()}` });
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('BadParameter');
  });

  it('refuses a token for another resource or tenant, as Entra ID would', async () => {
    const credential = kv.credential();
    await expect(credential.getToken('https://management.azure.com/.default')).rejects.toThrow(/vault\.azure\.net/);
    await expect(credential.getToken(KEY_VAULT_SCOPE, { tenantId: 'another-tenant' })).rejects.toThrow(/tenant/);
  });

  it('serves TLS that verifies only against its test CA, for 127.0.0.1 and localhost', async () => {
    const untrusting = new KeyClient(kv.vaultUrl, kv.credential(), { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
    const error = await restErrorOf(untrusting.getKey('guarded'));
    expect(error.statusCode).toBeUndefined();
    expect(error.message).toMatch(/certificate/i);

    const viaLocalhost = new KeyClient(kv.vaultUrl.replace('127.0.0.1', 'localhost'), kv.credential(), kv.clientOptions());
    const key = await viaLocalhost.getKey('guarded');
    expect(key.id, 'key ids carry the host the client used').toMatch(/^https:\/\/localhost:\d+\/keys\/guarded\//);
  });

  it('without disableChallengeResourceVerification the SDK itself refuses the challenge for a non-vault host', async () => {
    const strict = new KeyClient(kv.vaultUrl, kv.credential(), { tlsOptions: { ca: kv.caCertificate }, retryOptions: { maxRetries: 0 } });
    await expect(strict.getKey('guarded')).rejects.toThrow(/does not match the requested domain/);
  });
});
