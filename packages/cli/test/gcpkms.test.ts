import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { GcpKmsEmulator } from '@envelope-kit/testing/gcp-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from './run.js';

let kms: GcpKmsEmulator;
let admin: KeyManagementServiceClient;
let dir: string;
let env: Record<string, string>;
let symmetricKey: string;
let rsaVersion: string;
const plaintext = randomBytes(100_000);

beforeAll(async () => {
  kms = await GcpKmsEmulator.start();
  admin = new KeyManagementServiceClient(kms.clientOptions());
  const call = () => ({ ...kms.callOptions(), retry: null });
  const [ring] = await admin.createKeyRing({ parent: 'projects/envelope-cli/locations/global', keyRingId: 'cli' }, call());
  const [symmetric] = await admin.createCryptoKey({ parent: ring.name!, cryptoKeyId: 'data', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }, call());
  const [rsa] = await admin.createCryptoKey(
    { parent: ring.name!, cryptoKeyId: 'rsa', cryptoKey: { purpose: 'ASYMMETRIC_DECRYPT', versionTemplate: { algorithm: 'RSA_DECRYPT_OAEP_2048_SHA256' } } },
    call(),
  );
  symmetricKey = symmetric.name!;
  rsaVersion = `${rsa.name}/cryptoKeyVersions/1`;
  dir = mkdtempSync(join(tmpdir(), 'envelope-cli-gcp-'));
  writeFileSync(join(dir, 'data.bin'), plaintext);
  // What a user sets to point the CLI at a Cloud KMS emulator, like Google's other *_EMULATOR_HOST variables.
  env = { GCP_KMS_EMULATOR_HOST: kms.host, GCP_KMS_EMULATOR_TOKEN: kms.token };
});

afterAll(async () => {
  await admin?.close();
  await kms?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('envelope with gcpkms:// keys against the Cloud KMS emulator', () => {
  it('encrypts under a symmetric key and decrypts with it, through environment variables', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', `gcpkms://${symmetricKey}`, '-c', 'app=cli', '-o', 'sym.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const info = JSON.parse((await envelope(dir, ['inspect', '--json', 'sym.env'])).stdout.toString()) as { wrappedKeys: { providerId: string; keyId: string }[] };
    expect(info.wrappedKeys).toEqual([expect.objectContaining({ providerId: 'gcpkms', keyId: symmetricKey })]);
    expect(kms.requestCount('Encrypt')).toBe(1);

    const dec = await envelope(dir, ['decrypt', '--key', `gcpkms://${symmetricKey}`, '--context', 'app=cli', '-o', 'sym.out', 'sym.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'sym.out')).equals(plaintext)).toBe(true);
    expect(kms.requestCount('Decrypt')).toBe(1);
  });

  it('encrypts under an RSA key version and decrypts with AsymmetricDecrypt', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', `gcpkms://${rsaVersion}`, '-o', 'rsa.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const dec = await envelope(dir, ['decrypt', '--key', `gcpkms://${rsaVersion}`, '-o', 'rsa.out', 'rsa.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rsa.out')).equals(plaintext)).toBe(true);
    expect(kms.requestCount('AsymmetricDecrypt')).toBe(1);
  });

  it('fails with PERMISSION_DENIED, without echoing it, when the emulator refuses the token', async () => {
    const result = await envelope(dir, ['encrypt', '--key', `gcpkms://${symmetricKey}`, '-o', 'no.env', 'data.bin'], undefined, {
      ...env,
      GCP_KMS_EMULATOR_TOKEN: 'not-the-emulator-token',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PERMISSION_DENIED]');
    expect(result.stderr).not.toContain('not-the-emulator-token');
  });

  it('fails with KEY_NOT_FOUND for a key that does not exist', async () => {
    const missing = 'gcpkms://projects/envelope-cli/locations/global/keyRings/cli/cryptoKeys/missing';
    const result = await envelope(dir, ['encrypt', '--key', missing, '-o', 'no.env', 'data.bin'], undefined, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[KEY_NOT_FOUND]');
  });
});
