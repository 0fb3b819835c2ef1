import { constants, createPublicKey, hkdfSync, publicEncrypt, randomBytes } from 'node:crypto';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultEmulator } from '../src/vault/index.js';
import { hkdfSha256, MISSING_CONTEXT, TOO_OLD } from '../src/vault/transitCrypto.js';
import { failure } from './vaultFailure.js';

type VaultClient = ReturnType<typeof nodeVault>;

interface KeyInfo {
  readonly type: string;
  readonly derived: boolean;
  readonly kdf?: string;
  readonly latest_version: number;
  readonly min_decryption_version: number;
  readonly keys: Record<string, unknown>;
}

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

describe('Vault emulator: Transit through node-vault', () => {
  let vault: VaultEmulator;
  let client: VaultClient;
  let names = 0;
  const fresh = (): string => `key-${++names}`;

  const createKey = async (name: string, body: Record<string, unknown> = {}): Promise<KeyInfo> =>
    ((await client.write(`transit/keys/${name}`, body)) as { data: KeyInfo }).data;
  const readKey = async (name: string): Promise<KeyInfo> => ((await client.read(`transit/keys/${name}`)) as { data: KeyInfo }).data;
  const encrypt = async (name: string, body: Record<string, unknown>): Promise<{ ciphertext: string; key_version: number }> =>
    ((await client.write(`transit/encrypt/${name}`, body)) as { data: { ciphertext: string; key_version: number } }).data;
  const decrypt = async (name: string, body: Record<string, unknown>): Promise<Buffer> =>
    Buffer.from(((await client.write(`transit/decrypt/${name}`, body)) as { data: { plaintext: string } }).data.plaintext, 'base64');

  beforeAll(async () => {
    vault = await VaultEmulator.start();
    client = nodeVault(vault.clientConfig());
  });
  afterAll(async () => {
    await vault.close();
  });

  describe('keys', () => {
    it('creates an aes256-gcm96 key by default and reads it back with its versions', async () => {
      const name = fresh();
      const created = await createKey(name);
      expect(created).toMatchObject({ type: 'aes256-gcm96', derived: false, latest_version: 1, min_decryption_version: 1 });
      const read = await readKey(name);
      expect(read).toMatchObject({ name, type: 'aes256-gcm96', latest_version: 1, supports_encryption: true, supports_decryption: true });
      expect(Object.keys(read.keys)).toEqual(['1']);
      expect(typeof read.keys['1']).toBe('number');
    });

    it('warns, and changes nothing, when a key is created twice', async () => {
      const name = fresh();
      await createKey(name, { type: 'rsa-2048' });
      const again = (await client.write(`transit/keys/${name}`, { type: 'aes256-gcm96' })) as { data: KeyInfo; warnings: string[] };
      expect(again.warnings).toEqual([`key ${name} already existed`]);
      expect(again.data.type).toBe('rsa-2048');
    });

    it('deletes a key only once its config allows it', async () => {
      const name = fresh();
      await createKey(name);
      expect(await failure(client.delete(`transit/keys/${name}`))).toEqual({
        status: 400,
        errors: ['could not delete key; deletion is not allowed for this key'],
      });
      const configured = ((await client.write(`transit/keys/${name}/config`, { deletion_allowed: true })) as { data: { deletion_allowed: boolean } }).data;
      expect(configured.deletion_allowed).toBe(true);
      await client.delete(`transit/keys/${name}`);
      expect((await failure(client.read(`transit/keys/${name}`))).status).toBe(404);
    });

    it('answers a missing key with a bare 404, as Vault does', async () => {
      expect(await failure(client.read('transit/keys/never-created'))).toEqual({ status: 404, errors: [] });
    });

    it('refuses key types it does not know, and derivation for RSA', async () => {
      expect(await failure(createKey(fresh(), { type: 'ed25519' }))).toMatchObject({ status: 400 });
      expect((await failure(createKey(fresh(), { type: 'rsa-2048', derived: true }))).errors[0]).toContain('derivation');
    });

    it('publishes RSA public keys per version, and decrypts what they encrypt (RSA-OAEP-SHA-256)', async () => {
      const name = fresh();
      await createKey(name, { type: 'rsa-2048' });
      const entry = (await readKey(name)).keys['1'] as { public_key: string; name: string };
      expect(entry.name).toBe('rsa-2048');
      const publicKey = createPublicKey(entry.public_key);
      expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

      const secret = randomBytes(32);
      const body = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
      expect(await decrypt(name, { ciphertext: `vault:v1:${b64(body)}` })).toEqual(secret);
    });
  });

  describe('encrypt and decrypt', () => {
    it('round-trips under a vault:v1: ciphertext of nonce, ciphertext and tag', async () => {
      const name = fresh();
      await createKey(name);
      const plaintext = randomBytes(32);
      const { ciphertext, key_version } = await encrypt(name, { plaintext: b64(plaintext) });
      expect(key_version).toBe(1);
      expect(ciphertext).toMatch(/^vault:v1:[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(ciphertext.slice('vault:v1:'.length), 'base64').length).toBe(12 + 32 + 16);
      expect(await decrypt(name, { ciphertext })).toEqual(plaintext);
    });

    it('binds associated_data on AES-GCM keys, and refuses it for RSA keys', async () => {
      const name = fresh();
      await createKey(name);
      const { ciphertext } = await encrypt(name, { plaintext: b64('secret'), associated_data: b64('tenant=a') });
      expect((await decrypt(name, { ciphertext, associated_data: b64('tenant=a') })).toString()).toBe('secret');
      expect(await failure(decrypt(name, { ciphertext, associated_data: b64('tenant=b') }))).toEqual({
        status: 400,
        errors: ['cipher: message authentication failed'],
      });
      expect(await failure(decrypt(name, { ciphertext }))).toMatchObject({ status: 400 });

      const rsa = fresh();
      await createKey(rsa, { type: 'rsa-2048' });
      expect(await failure(encrypt(rsa, { plaintext: b64('x'), associated_data: b64('a') }))).toEqual({
        status: 400,
        errors: ["'[0].associated_data' provided for non-AEAD cipher suite rsa-2048"],
      });
    });

    it('derives a key per context on derived keys, and requires the context', async () => {
      const name = fresh();
      const created = await createKey(name, { derived: true });
      expect(created).toMatchObject({ derived: true, kdf: 'hkdf_sha256' });
      const { ciphertext } = await encrypt(name, { plaintext: b64('per tenant'), context: b64('tenant=a') });
      expect((await decrypt(name, { ciphertext, context: b64('tenant=a') })).toString()).toBe('per tenant');
      expect(await failure(decrypt(name, { ciphertext, context: b64('tenant=b') }))).toEqual({
        status: 400,
        errors: ['cipher: message authentication failed'],
      });
      for (const call of [encrypt(name, { plaintext: b64('x') }), decrypt(name, { ciphertext }), client.write(`transit/datakey/plaintext/${name}`, {})]) {
        expect(await failure(call)).toEqual({ status: 400, errors: [MISSING_CONTEXT] });
      }
    });

    it("refuses malformed ciphertexts with Vault's messages", async () => {
      const name = fresh();
      await createKey(name);
      const cases: ReadonlyArray<readonly [string, string]> = [
        ['v1:abcd', 'invalid ciphertext: no prefix'],
        ['vault:v1', 'invalid ciphertext: wrong number of fields'],
        ['vault:vX:abcd', 'invalid ciphertext: version number could not be decoded'],
        ['vault:v9:abcd', 'invalid ciphertext: version is too new'],
        ['vault:v1:ab$d', 'invalid ciphertext: could not decode base64'],
        ['vault:v1:AAAA', 'invalid ciphertext length'],
        [`vault:v1:${b64(randomBytes(40))}`, 'cipher: message authentication failed'],
      ];
      for (const [ciphertext, message] of cases) {
        expect(await failure(decrypt(name, { ciphertext })), ciphertext).toEqual({ status: 400, errors: [message] });
      }
      expect(await failure(decrypt(name, {}))).toEqual({ status: 400, errors: ['missing ciphertext to decrypt'] });
      expect(await failure(encrypt(name, { plaintext: 'not base64!' }))).toMatchObject({ status: 400 });
    });

    it('answers a failed RSA decryption with a 500, as Vault does (an internal error there)', async () => {
      const name = fresh();
      await createKey(name, { type: 'rsa-2048' });
      const { ciphertext } = await encrypt(name, { plaintext: b64('x') });
      const body = Buffer.from(ciphertext.slice('vault:v1:'.length), 'base64');
      body[10]! ^= 0x01;
      const { status, errors } = await failure(decrypt(name, { ciphertext: `vault:v1:${b64(body)}` }));
      expect(status).toBe(500);
      expect(errors[0]).toContain('failed to RSA decrypt the ciphertext');
    });

    it('creates a missing key on encrypt (upsert, derived when a context comes), but not on decrypt', async () => {
      const plain = fresh();
      await encrypt(plain, { plaintext: b64('x') });
      expect(await readKey(plain)).toMatchObject({ type: 'aes256-gcm96', derived: false });
      const derived = fresh();
      await encrypt(derived, { plaintext: b64('x'), context: b64('c') });
      expect((await readKey(derived)).derived).toBe(true);
      expect(await failure(decrypt(fresh(), { ciphertext: 'vault:v1:AAAA' }))).toEqual({ status: 400, errors: ['encryption key not found'] });
    });
  });

  describe('data keys', () => {
    it('generates 256-bit keys by default, 128 and 512 on request, wrapped under the key', async () => {
      const name = fresh();
      await createKey(name);
      for (const [bits, bytes] of [[undefined, 32], [128, 16], [512, 64]] as const) {
        const response = (await client.write(`transit/datakey/plaintext/${name}`, bits === undefined ? {} : { bits })) as {
          data: { plaintext: string; ciphertext: string; key_version: number };
        };
        const dataKey = Buffer.from(response.data.plaintext, 'base64');
        expect(dataKey.length).toBe(bytes);
        expect(response.data.key_version).toBe(1);
        expect(await decrypt(name, { ciphertext: response.data.ciphertext })).toEqual(dataKey);
      }
    });

    it('returns no plaintext on the wrapped path, and refuses other paths and sizes', async () => {
      const name = fresh();
      await createKey(name);
      const wrapped = (await client.write(`transit/datakey/wrapped/${name}`, {})) as { data: Record<string, unknown> };
      expect(wrapped.data.plaintext).toBeUndefined();
      expect(wrapped.data.ciphertext).toMatch(/^vault:v1:/);
      expect(await failure(client.write(`transit/datakey/other/${name}`, {}))).toEqual({
        status: 400,
        errors: ["Invalid path, must be 'plaintext' or 'wrapped'"],
      });
      expect(await failure(client.write(`transit/datakey/plaintext/${name}`, { bits: 64 }))).toEqual({ status: 400, errors: ['invalid bit length'] });
    });
  });

  describe('versions', () => {
    it('rotates: old ciphertexts still decrypt, new ones use the newest version, rewrap moves old ones up', async () => {
      const name = fresh();
      await createKey(name);
      const v1 = await encrypt(name, { plaintext: b64('first') });
      const rotated = ((await client.write(`transit/keys/${name}/rotate`, {})) as { data: KeyInfo }).data;
      expect(rotated.latest_version).toBe(2);
      expect(Object.keys(rotated.keys)).toEqual(['1', '2']);

      expect((await decrypt(name, { ciphertext: v1.ciphertext })).toString()).toBe('first');
      const v2 = await encrypt(name, { plaintext: b64('second') });
      expect(v2).toMatchObject({ key_version: 2, ciphertext: expect.stringMatching(/^vault:v2:/) });

      const rewrapped = ((await client.write(`transit/rewrap/${name}`, { ciphertext: v1.ciphertext })) as {
        data: { ciphertext: string; key_version: number };
      }).data;
      expect(rewrapped.key_version).toBe(2);
      expect(rewrapped.ciphertext).toMatch(/^vault:v2:/);
      expect((await decrypt(name, { ciphertext: rewrapped.ciphertext })).toString()).toBe('first');
    });

    it('refuses ciphertexts under min_decryption_version, and settings beyond the latest version', async () => {
      const name = fresh();
      await createKey(name);
      const v1 = await encrypt(name, { plaintext: b64('old') });
      await client.write(`transit/keys/${name}/rotate`, {});
      const configured = ((await client.write(`transit/keys/${name}/config`, { min_decryption_version: 2 })) as { data: KeyInfo }).data;
      expect(configured.min_decryption_version).toBe(2);
      expect(await failure(decrypt(name, { ciphertext: v1.ciphertext }))).toEqual({ status: 400, errors: [TOO_OLD] });
      expect(await failure(client.write(`transit/rewrap/${name}`, { ciphertext: v1.ciphertext }))).toEqual({ status: 400, errors: [TOO_OLD] });
      expect((await failure(client.write(`transit/keys/${name}/config`, { min_decryption_version: 3 }))).errors[0]).toBe(
        'cannot set min decryption version of 3, latest key version is 2',
      );
    });

    it('cannot rewrap a ciphertext sealed with associated_data (Vault rewrap takes none)', async () => {
      const name = fresh();
      await createKey(name);
      const { ciphertext } = await encrypt(name, { plaintext: b64('x'), associated_data: b64('ad') });
      expect(await failure(client.write(`transit/rewrap/${name}`, { ciphertext, associated_data: b64('ad') }))).toEqual({
        status: 400,
        errors: ['cipher: message authentication failed'],
      });
    });

    it('rewraps derived-key ciphertexts with their context', async () => {
      const name = fresh();
      await createKey(name, { derived: true });
      const { ciphertext } = await encrypt(name, { plaintext: b64('x'), context: b64('ctx') });
      await client.write(`transit/keys/${name}/rotate`, {});
      const rewrapped = ((await client.write(`transit/rewrap/${name}`, { ciphertext, context: b64('ctx') })) as { data: { ciphertext: string } }).data;
      expect((await decrypt(name, { ciphertext: rewrapped.ciphertext, context: b64('ctx') })).toString()).toBe('x');
    });
  });
});

describe('Vault emulator: HKDF-SHA256 for derived keys', () => {
  it('matches RFC 5869 (as Node computes it) for short contexts', () => {
    const secret = randomBytes(32);
    for (const info of [Buffer.from('a'), randomBytes(200), randomBytes(1024)]) {
      expect(hkdfSha256(secret, info, 32)).toEqual(Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32)));
    }
  });

  it('takes contexts longer than the 1024 bytes Node allows, as Vault does', () => {
    const secret = randomBytes(32);
    const long = randomBytes(5000);
    expect(hkdfSha256(secret, long, 32)).toHaveLength(32);
    expect(hkdfSha256(secret, long, 32)).not.toEqual(hkdfSha256(secret, long.subarray(1), 32));
  });
});
