import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from '@envelope-kit/core';
import { VaultEmulator } from '@envelope-kit/testing/vault';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from './run.js';

let vault: VaultEmulator;
let admin: ReturnType<typeof nodeVault>;
let dir: string;
let env: Record<string, string>;
const plaintext = randomBytes(100_000);

beforeAll(async () => {
  vault = await VaultEmulator.start();
  admin = nodeVault(vault.clientConfig());
  await admin.write('transit/keys/cli', { type: 'aes256-gcm96' });
  await admin.write('transit/keys/cli-derived', { type: 'aes256-gcm96', derived: true });
  await nodeVault(vault.clientConfig({ namespace: 'eu' })).write('transit/keys/cli', { type: 'rsa-2048' });
  // What a user sets: the Vault CLI's variables, nothing Envelope Kit-specific. One retry keeps failures quick.
  env = { ...vault.env(), VAULT_NAMESPACE: '', VAULT_MAX_RETRIES: '1' };
  dir = mkdtempSync(join(tmpdir(), 'envelope-cli-vault-'));
  writeFileSync(join(dir, 'data.bin'), plaintext);
  expect((await envelope(dir, ['keygen', '--out', 'local.pem', '--bits', '2048'])).code).toBe(0);
});

afterAll(async () => {
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each case runs the binary a few times; a loaded machine needs more than vitest's 5 s default.
describe('envelope with vault:// keys against the Vault emulator', { timeout: 30_000 }, () => {
  it('encrypts under a Transit key and decrypts with it, through VAULT_ADDR and VAULT_TOKEN', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', 'vault://transit/keys/cli', '-c', 'app=cli', '-o', 'vault.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const info = JSON.parse((await envelope(dir, ['inspect', '--json', 'vault.env'])).stdout.toString());
    expect(info.wrappedKeys.map((k: { providerId: string; keyId: string }) => [k.providerId, k.keyId])).toEqual([['vault', 'transit/keys/cli']]);
    const dec = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli', '-o', 'vault.out', 'vault.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'vault.out')).equals(plaintext)).toBe(true);
    expect(vault.requestCount('decrypt')).toBeGreaterThanOrEqual(1);
  });

  it('round-trips through standard streams with a derived key, and with a key in a namespace (VAULT_NAMESPACE)', async () => {
    const derived = await envelope(dir, ['encrypt', '--key', 'vault://transit/keys/cli-derived', '-c', 'tenant=a'], plaintext, env);
    expect(derived.code, derived.stderr).toBe(0);
    const back = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli-derived'], derived.stdout, env);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.equals(plaintext)).toBe(true);

    const regional = { ...env, VAULT_NAMESPACE: 'eu' };
    const inEu = await envelope(dir, ['encrypt', '--key', 'vault://transit/keys/cli'], plaintext, regional);
    expect(inEu.code, inEu.stderr).toBe(0);
    const fromEu = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli'], inEu.stdout, regional);
    expect(fromEu.code, fromEu.stderr).toBe(0);
    expect(fromEu.stdout.equals(plaintext)).toBe(true);
    // Recorded as eu/transit/keys/cli, so the root-namespace key of the same name does not claim it.
    const fromRoot = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli'], inEu.stdout, env);
    expect(fromRoot.stderr).toContain('[NO_MATCHING_KEY]');
  });

  it('moves wrapped keys to the newest key version after a rotation (rewrap --refresh), so old versions can be retired', async () => {
    const versionOf = async (file: string): Promise<string> =>
      Buffer.from((await inspect(readFileSync(join(dir, file)))).wrappedKeys[0]!.ciphertext).toString('latin1').split(':')[1]!;
    for (const type of [{ type: 'aes256-gcm96' }, { type: 'aes256-gcm96', derived: true }]) {
      const name = `cli-rotating-${type.derived ? 'derived' : 'plain'}`;
      const key = `vault://transit/keys/${name}`;
      await admin.write(`transit/keys/${name}`, type);
      expect((await envelope(dir, ['encrypt', '--key', key, '-c', 'app=cli', '-o', `${name}.env`, 'data.bin'], undefined, env)).code).toBe(0);
      expect(await versionOf(`${name}.env`)).toBe('v1');

      await admin.write(`transit/keys/${name}/rotate`, {});
      const refreshed = await envelope(dir, ['rewrap', '--in', `${name}.env`, '--key', key, '--refresh'], undefined, env);
      expect(refreshed.code, refreshed.stderr).toBe(0);
      expect(await versionOf(`${name}.env`)).toBe('v2');

      await admin.write(`transit/keys/${name}/config`, { min_decryption_version: 2 });
      const dec = await envelope(dir, ['decrypt', '--key', key, `${name}.env`], undefined, env);
      expect(dec.code, dec.stderr).toBe(0);
      expect(dec.stdout.equals(plaintext)).toBe(true);
    }
  });

  it('falls back to a local key while Vault is sealed, and reports the seal when Vault is alone', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', 'vault://transit/keys/cli', '--key', 'local:local.pem', '-o', 'both.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    vault.seal();
    try {
      const dec = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli', '--key', 'local:local.pem', 'both.env'], undefined, env);
      expect(dec.code, dec.stderr).toBe(0);
      expect(dec.stdout.equals(plaintext)).toBe(true);
      const sealed = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli', '-o', 'sealed.out', 'both.env'], undefined, env);
      expect(sealed.code).toBe(1);
      expect(sealed.stderr).toContain('[PROVIDER_UNAVAILABLE]');
      expect(sealed.stderr).toContain('Vault is sealed');
    } finally {
      vault.unseal();
    }
  });

  it('refuses a wrong token with PERMISSION_DENIED, never printing it', async () => {
    const wrongToken = 'hvs.wrong-token-for-the-cli-test-000';
    const result = await envelope(dir, ['decrypt', '--key', 'vault://transit/keys/cli', 'vault.env'], undefined, { ...env, VAULT_TOKEN: wrongToken });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PERMISSION_DENIED]');
    expect(result.stderr).not.toContain(wrongToken);
  });

  it('says which variable is missing when Vault is not configured', async () => {
    const result = await envelope(dir, ['encrypt', '--key', 'vault://transit/keys/cli', 'data.bin'], undefined, { ...env, VAULT_ADDR: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('VAULT_ADDR');
    expect(result.stderr).toContain('[INVALID_ARGUMENT]');
  });
});
