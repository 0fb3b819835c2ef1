import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultEmulator, type VaultEmulatorToken } from '../src/vault/index.js';

const DECRYPT_ONLY: VaultEmulatorToken = { token: 'hvs.decrypt-only-000000000000000000', allow: ['decrypt', 'readKey'] };
const NO_CREATE: VaultEmulatorToken = { token: 'hvs.encrypt-no-create-00000000000000', allow: ['encrypt', 'decrypt'] };

interface RawResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A request sent by hand, so a test controls every header. */
async function raw(vault: VaultEmulator, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawResponse> {
  const response = await fetch(`${vault.endpoint}/v1/${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const { response } = error as { response?: { statusCode: number } };
    if (!response) throw error;
    return { status: response.statusCode, message: (error as Error).message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('Vault emulator: tokens, namespaces and mounts', () => {
  let vault: VaultEmulator;
  let root: ReturnType<typeof nodeVault>;

  beforeAll(async () => {
    vault = await VaultEmulator.start({ tokens: ['hvs.root-for-tests-0000000000000000', DECRYPT_ONLY, NO_CREATE], mounts: ['transit', 'team-a/transit'] });
    root = nodeVault(vault.clientConfig());
    await root.write('transit/keys/app', { type: 'aes256-gcm96' });
  });
  afterAll(async () => {
    await vault.close();
  });

  it('checks X-Vault-Token on every operation: 403 {"errors":["permission denied"]} without one or with a wrong one', async () => {
    const requests: ReadonlyArray<readonly [string, string, unknown]> = [
      ['GET', 'transit/keys/app', undefined],
      ['POST', 'transit/keys/other', {}],
      ['POST', 'transit/keys/app/rotate', {}],
      ['POST', 'transit/keys/app/config', { min_decryption_version: 1 }],
      ['POST', 'transit/encrypt/app', { plaintext: 'AA==' }],
      ['POST', 'transit/decrypt/app', { ciphertext: 'vault:v1:AAAA' }],
      ['POST', 'transit/rewrap/app', { ciphertext: 'vault:v1:AAAA' }],
      ['POST', 'transit/datakey/plaintext/app', {}],
      ['GET', 'no-such-mount/keys/app', undefined],
    ];
    for (const [method, path, body] of requests) {
      for (const headers of [{}, { 'x-vault-token': 'hvs.wrong-token' }]) {
        expect(await raw(vault, method, path, headers, body), `${method} ${path}`).toEqual({ status: 403, body: { errors: ['permission denied'] } });
      }
    }
    // Nothing was created by the refused requests.
    expect((await failure(root.read('transit/keys/other'))).status).toBe(404);
  });

  it('answers the first configured token through node-vault, and refuses another', async () => {
    expect(vault.token).toBe('hvs.root-for-tests-0000000000000000');
    const stranger = nodeVault(vault.clientConfig({ token: 'hvs.not-a-known-token' }));
    expect(await failure(stranger.read('transit/keys/app'))).toEqual({ status: 403, message: 'permission denied' });
  });

  it('limits a token to its allowed operations', async () => {
    const { data } = (await root.write('transit/encrypt/app', { plaintext: Buffer.from('x').toString('base64') })) as { data: { ciphertext: string } };
    const limited = nodeVault(vault.clientConfig({ token: DECRYPT_ONLY.token }));
    const decrypted = (await limited.write('transit/decrypt/app', { ciphertext: data.ciphertext })) as { data: { plaintext: string } };
    expect(Buffer.from(decrypted.data.plaintext, 'base64').toString()).toBe('x');
    expect(await failure(limited.write('transit/encrypt/app', { plaintext: 'AA==' }))).toEqual({ status: 403, message: 'permission denied' });
    expect(await failure(limited.write('transit/keys/app/rotate', {}))).toMatchObject({ status: 403 });
  });

  it('upserts on encrypt only for tokens that may create keys', async () => {
    const noCreate = nodeVault(vault.clientConfig({ token: NO_CREATE.token }));
    expect(await failure(noCreate.write('transit/encrypt/not-yet', { plaintext: 'AA==' }))).toEqual({ status: 400, message: 'encryption key not found' });
    await root.write('transit/encrypt/not-yet', { plaintext: 'AA==' });
    expect(((await noCreate.write('transit/encrypt/not-yet', { plaintext: 'AA==' })) as { data: { key_version: number } }).data.key_version).toBe(1);
  });

  it('keeps namespaces apart: one key name, one key per namespace', async () => {
    const teamA = nodeVault(vault.clientConfig({ namespace: 'team-a' }));
    const teamB = nodeVault(vault.clientConfig({ namespace: 'team-b/' }));
    await teamA.write('transit/keys/shared-name', {});
    expect((await failure(root.read('transit/keys/shared-name'))).status).toBe(404);
    expect((await failure(teamB.read('transit/keys/shared-name'))).status).toBe(404);

    await teamB.write('transit/keys/shared-name', {});
    const { data } = (await teamA.write('transit/encrypt/shared-name', { plaintext: 'AA==' })) as { data: { ciphertext: string } };
    expect(await failure(teamB.write('transit/decrypt/shared-name', { ciphertext: data.ciphertext }))).toEqual({
      status: 400,
      message: 'cipher: message authentication failed',
    });
    // The header may carry surrounding slashes; the namespace is the same.
    const teamASlashed = nodeVault(vault.clientConfig({ namespace: '/team-a/' }));
    expect(((await teamASlashed.read('transit/keys/shared-name')) as { data: { name: string } }).data.name).toBe('shared-name');
  });

  it('serves Transit at every configured mount, slashes included, each with its own keys', async () => {
    await root.write('team-a/transit/keys/app', { type: 'rsa-2048' });
    expect(((await root.read('team-a/transit/keys/app')) as { data: { type: string } }).data.type).toBe('rsa-2048');
    expect(((await root.read('transit/keys/app')) as { data: { type: string } }).data.type).toBe('aes256-gcm96');
    expect(await failure(root.read('elsewhere/keys/app'))).toEqual({ status: 404, message: 'no handler for route "elsewhere/keys/app". route entry not found.' });
    expect((await failure(root.read('transit/encrypt/app'))).status).toBe(405);
    expect((await failure(root.read('transit/keys/bad name'))).status).toBe(404);
  });

  it('refuses invalid settings at start', async () => {
    await expect(VaultEmulator.start({ tokens: [] })).rejects.toThrow(RangeError);
    await expect(VaultEmulator.start({ mounts: ['/transit'] })).rejects.toThrow(RangeError);
    await expect(VaultEmulator.start({ mounts: [] })).rejects.toThrow(RangeError);
  });
});
