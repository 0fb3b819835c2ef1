import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyClient } from '@azure/keyvault-keys';
import { AzureKeyVaultEmulator } from '@envelope-kit/testing/azure-keyvault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from './run.js';

const VAULT = 'envelope-cli.vault.azure.net';
const keyUri = (name: string): string => `azurekeyvault://${VAULT}/keys/${name}`;

let kv: AzureKeyVaultEmulator;
let admin: KeyClient;
let dir: string;
let env: Record<string, string>;
const plaintext = randomBytes(100_000);

beforeAll(async () => {
  kv = await AzureKeyVaultEmulator.start();
  admin = new KeyClient(kv.vaultUrl, kv.credential(), { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
  await admin.createRsaKey('cli', { keySize: 2048 });
  dir = mkdtempSync(join(tmpdir(), 'envelope-cli-azure-'));
  writeFileSync(join(dir, 'data.bin'), plaintext);
  writeFileSync(join(dir, 'emulator-ca.pem'), kv.caCertificate);
  // What a user sets: a token (as `az account get-access-token --resource https://vault.azure.net` prints),
  // the URL standing in for the vault, and Node's own variable to trust the emulator's CA. TLS stays verified.
  env = {
    AZURE_KEYVAULT_ACCESS_TOKEN: kv.issueToken(),
    AZURE_KEYVAULT_URL_OVERRIDE: kv.vaultUrl,
    NODE_EXTRA_CA_CERTS: join(dir, 'emulator-ca.pem'),
  };
  expect((await envelope(dir, ['keygen', '--out', 'local.pem', '--bits', '2048'])).code).toBe(0);
});

afterAll(async () => {
  await kv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('envelope with azurekeyvault:// keys against the Key Vault emulator', () => {
  it('encrypts under a Key Vault key and decrypts with it alone, through environment variables', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', keyUri('cli'), '--key', 'local:local.pub.pem', '-c', 'app=cli', '-o', 'kv.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const info = JSON.parse((await envelope(dir, ['inspect', '--json', 'kv.env'])).stdout.toString()) as { wrappedKeys: { providerId: string; keyId: string }[] };
    const current = await admin.getKey('cli');
    expect(info.wrappedKeys[0]).toMatchObject({ providerId: 'azurekeyvault', keyId: `https://${VAULT}/keys/cli/${current.properties.version}` });

    kv.resetRequestCounts();
    const dec = await envelope(dir, ['decrypt', '--key', keyUri('cli'), '-o', 'kv.out', 'kv.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'kv.out')).equals(plaintext)).toBe(true);
    expect(kv.requestCount('unwrapKey')).toBe(1);
  });

  it('still decrypts after the key rotates, and encrypts new envelopes with the new version', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', keyUri('cli'), '-o', 'before.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const rotated = await admin.createRsaKey('cli', { keySize: 2048 });

    const dec = await envelope(dir, ['decrypt', '--key', keyUri('cli'), '-o', 'before.out', 'before.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'before.out')).equals(plaintext)).toBe(true);

    expect((await envelope(dir, ['encrypt', '--key', keyUri('cli'), '-o', 'after.env', 'data.bin'], undefined, env)).code).toBe(0);
    const info = JSON.parse((await envelope(dir, ['inspect', '--json', 'after.env'])).stdout.toString()) as { wrappedKeys: { keyId: string }[] };
    expect(info.wrappedKeys[0]?.keyId).toBe(`https://${VAULT}/keys/cli/${rotated.properties.version}`);
  });

  it('fails clearly with a token the vault does not accept, and without any credential', async () => {
    const foreign = await envelope(dir, ['encrypt', '--key', keyUri('cli'), '-o', 'no.env', 'data.bin'], undefined, { ...env, AZURE_KEYVAULT_ACCESS_TOKEN: 'not-a-vault-token' });
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/^envelope: .*401 Unauthorized.*PERMISSION_DENIED/m);
    expect(foreign.stderr).not.toContain('not-a-vault-token');

    const none = await envelope(dir, ['encrypt', '--key', keyUri('cli'), '-o', 'no.env', 'data.bin'], undefined, { ...env, AZURE_KEYVAULT_ACCESS_TOKEN: '' });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/AZURE_KEYVAULT_ACCESS_TOKEN/);
    expect(none.stderr).toMatch(/@azure\/identity/);
  });
});
