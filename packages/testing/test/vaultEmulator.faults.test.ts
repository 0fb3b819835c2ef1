import nodeVault from 'node-vault';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VaultEmulator, type VaultFaultKind } from '../src/vault/index.js';
import { failure } from './vaultFailure.js';

type VaultClient = ReturnType<typeof nodeVault>;

describe('Vault emulator: fault injection', () => {
  let vault: VaultEmulator;
  let client: VaultClient;
  let ciphertext: string;

  beforeAll(async () => {
    vault = await VaultEmulator.start();
    client = nodeVault(vault.clientConfig());
    await client.write('transit/keys/app', {});
    ciphertext = ((await client.write('transit/encrypt/app', { plaintext: 'AA==' })) as { data: { ciphertext: string } }).data.ciphertext;
  });
  afterEach(async () => {
    vault.clearFaults();
    vault.resetRequestCounts();
    await vault.goOnline();
  });
  afterAll(async () => {
    await vault.close();
  });

  const readKey = (on: VaultClient = client) => on.read('transit/keys/app');
  const decrypt = () => client.write('transit/decrypt/app', { ciphertext });

  it('seals: 503 {"errors":["Vault is sealed"]} for every request, before the token is even looked at', async () => {
    vault.seal();
    expect(vault.sealed).toBe(true);
    expect(await failure(readKey())).toEqual({ status: 503, errors: ['Vault is sealed'] });
    expect(await failure(decrypt())).toEqual({ status: 503, errors: ['Vault is sealed'] });
    const stranger = nodeVault(vault.clientConfig({ token: 'hvs.unknown' }));
    expect(await failure(readKey(stranger))).toEqual({ status: 503, errors: ['Vault is sealed'] });
    vault.unseal();
    expect(((await readKey()) as { data: { name: string } }).data.name).toBe('app');
  });

  it('seals for the next N requests only, when asked through failNext', async () => {
    vault.failNext(2, { error: 'sealed' });
    expect((await failure(readKey())).status).toBe(503);
    expect((await failure(readKey())).status).toBe(503);
    expect(((await readKey()) as { data: { name: string } }).data.name).toBe('app');
  });

  it('throttles with 429 and the path in the message, until cleared with Infinity', async () => {
    vault.throttleNext(Infinity);
    for (let i = 0; i < 3; i++) {
      expect(await failure(decrypt())).toEqual({ status: 429, errors: ['request path "transit/decrypt/app": rate limit quota exceeded'] });
    }
    vault.clearFaults();
    expect(await decrypt()).toMatchObject({ data: { plaintext: 'AA==' } });
  });

  it('answers each fault kind with its status', async () => {
    const statuses: Readonly<Record<VaultFaultKind, number>> = { sealed: 503, throttled: 429, internal: 500, 'permission-denied': 403, standby: 412 };
    for (const [kind, status] of Object.entries(statuses) as [VaultFaultKind, number][]) {
      vault.failNext(1, { error: kind, message: `injected ${kind}` });
      const { status: received, errors } = await failure(readKey());
      expect(received, kind).toBe(status);
      expect(errors.join(), kind).toContain(`injected ${kind}`);
    }
    vault.failNext(1);
    expect(await failure(readKey())).toEqual({ status: 500, errors: ['1 error occurred:\n\t* injected internal error\n\n'] });
  });

  it('scopes a fault to one operation', async () => {
    vault.failNext(1, { operation: 'decrypt', error: 'internal' });
    await readKey();
    expect((await failure(decrypt())).status).toBe(500);
    await decrypt();
  });

  it('adds latency, to one operation or to all', async () => {
    vault.setLatency(200, { operation: 'readKey' });
    let started = performance.now();
    await readKey();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);

    started = performance.now();
    await decrypt();
    expect(performance.now() - started).toBeLessThan(150);

    vault.setLatency(0, { operation: 'readKey' });
    vault.setLatency(150);
    started = performance.now();
    await readKey();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('goes offline (connections refused) and comes back on the same endpoint with its keys', async () => {
    const endpoint = vault.endpoint;
    await readKey();
    await vault.goOffline();
    expect(vault.online).toBe(false);
    const errorCode = (call: Promise<unknown>): Promise<string | undefined> =>
      call.then(
        () => 'no error',
        (error: unknown) => (error as NodeJS.ErrnoException).code,
      );
    expect(['ECONNRESET', 'ECONNREFUSED']).toContain(await errorCode(readKey()));
    expect(await errorCode(readKey(nodeVault(vault.clientConfig())))).toBe('ECONNREFUSED');

    await vault.goOnline();
    expect(vault.endpoint).toBe(endpoint);
    expect(await decrypt()).toMatchObject({ data: { plaintext: 'AA==' } });
  });

  it('counts requests per operation, refused ones included', async () => {
    vault.failNext(1, { operation: 'readKey', error: 'permission-denied' });
    await failure(readKey());
    await readKey();
    await decrypt();
    await failure(client.read('elsewhere/keys/app'));
    expect(vault.requestCounts()).toEqual({ readKey: 2, decrypt: 1, '(unknown)': 1 });
    expect(vault.requestCount()).toBe(4);
    expect(vault.requestCount('encrypt')).toBe(0);
  });

  it('refuses nonsensical fault settings', () => {
    expect(() => vault.failNext(0)).toThrow(RangeError);
    expect(() => vault.throttleNext(1.5)).toThrow(RangeError);
    expect(() => vault.setLatency(-1)).toThrow(RangeError);
    expect(() => vault.failNext(1, { error: 'nonsense' as VaultFaultKind })).toThrow(RangeError);
  });
});
