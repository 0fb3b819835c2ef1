import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureKeyVaultEmulator } from '../src/azure-keyvault/index.js';
import { restErrorOf } from './azureRestError.js';

/** RSA-OAEP-256 with the key's public JWK, as a client wrapping locally would. */
function wrapLocally(key: KeyVaultKey, dataKey: Uint8Array): Buffer {
  const publicKey = createPublicKey({
    key: { kty: 'RSA', n: Buffer.from(key.key!.n!).toString('base64url'), e: Buffer.from(key.key!.e!).toString('base64url') },
    format: 'jwk',
  });
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey);
}

describe('Azure Key Vault emulator: wrap, unwrap, encrypt and decrypt through the CryptographyClient', () => {
  let kv: AzureKeyVaultEmulator;
  let keys: KeyClient;
  // Without the get permission the SDK cannot fetch the key, so it never computes locally: every operation reaches the emulator.
  let remoteOnly: KeyClient;
  let key: KeyVaultKey;

  beforeAll(async () => {
    kv = await AzureKeyVaultEmulator.start();
    const options = { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } };
    keys = new KeyClient(kv.vaultUrl, kv.credential(), options);
    remoteOnly = new KeyClient(kv.vaultUrl, kv.credential({ permissions: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] }), options);
    key = await keys.createRsaKey('kek');
  });
  afterAll(async () => {
    await kv.close();
  });

  it('wraps and unwraps with RSA-OAEP-256 and RSA-OAEP, answering with the versioned kid', async () => {
    const crypto = remoteOnly.getCryptographyClient('kek');
    for (const algorithm of ['RSA-OAEP-256', 'RSA-OAEP'] as const) {
      const dataKey = randomBytes(32);
      const kids: string[] = [];
      const onResponse = (response: { parsedBody?: unknown }): void => {
        const body = response.parsedBody as { kid?: string; value?: string } | undefined;
        if (body?.value !== undefined && body.kid !== undefined) kids.push(body.kid);
      };
      const wrapped = await crypto.wrapKey(algorithm, dataKey, { onResponse });
      expect(wrapped.result, algorithm).toHaveLength(256);
      const unwrapped = await crypto.unwrapKey(algorithm, wrapped.result, { onResponse });
      expect(Buffer.from(unwrapped.result)).toEqual(dataKey);
      expect(kids, 'the service reports the version it used').toEqual([key.id, key.id]);
    }
  });

  it('unwraps what a client wrapped locally with the public JWK (OAEP, SHA-256 and MGF1-SHA-256)', async () => {
    const dataKey = randomBytes(32);
    const unwrapped = await keys.getCryptographyClient('kek').unwrapKey('RSA-OAEP-256', wrapLocally(key, dataKey));
    expect(Buffer.from(unwrapped.result)).toEqual(dataKey);
  });

  it('encrypts and decrypts', async () => {
    const crypto = remoteOnly.getCryptographyClient('kek', { keyVersion: key.properties.version! });
    const encrypted = await crypto.encrypt({ algorithm: 'RSA-OAEP-256', plaintext: Buffer.from('hello vault') });
    const decrypted = await crypto.decrypt({ algorithm: 'RSA-OAEP-256', ciphertext: encrypted.result });
    expect(Buffer.from(decrypted.result).toString()).toBe('hello vault');
  });

  it('keeps old versions: a ciphertext of version 1 unwraps by its id after version 2 became current', async () => {
    const v1 = await keys.createRsaKey('rotated');
    const dataKey = randomBytes(32);
    const wrapped = await keys.getCryptographyClient('rotated').wrapKey('RSA-OAEP-256', dataKey);
    await keys.createRsaKey('rotated');

    const byVersion = keys.getCryptographyClient('rotated', { keyVersion: v1.properties.version! });
    expect(Buffer.from((await byVersion.unwrapKey('RSA-OAEP-256', wrapped.result)).result)).toEqual(dataKey);
    // The current version is another key: it cannot.
    expect(await restErrorOf(keys.getCryptographyClient('rotated').unwrapKey('RSA-OAEP-256', wrapped.result))).toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
    });
  });

  it('refuses to operate with a disabled version: 403 Forbidden / KeyDisabled, for every operation', async () => {
    const doomed = await keys.createRsaKey('doomed');
    const wrapped = wrapLocally(doomed, randomBytes(32));
    await keys.updateKeyProperties('doomed', doomed.properties.version!, { enabled: false });
    const crypto = remoteOnly.getCryptographyClient('doomed', { keyVersion: doomed.properties.version! });
    const refused = await restErrorOf(crypto.unwrapKey('RSA-OAEP-256', wrapped));
    expect(refused).toMatchObject({ statusCode: 403, code: 'Forbidden', innerCode: 'KeyDisabled', message: 'Operation unwrapKey is not allowed on a disabled key.' });
    expect(await restErrorOf(crypto.wrapKey('RSA-OAEP-256', randomBytes(32)))).toMatchObject({ statusCode: 403, innerCode: 'KeyDisabled' });
  });

  it('enforces key_ops: 403 Forbidden / KeyOperationForbidden', async () => {
    const unwrapOnly = await keys.createRsaKey('unwrap-only', { keyOps: ['unwrapKey'] });
    const crypto = remoteOnly.getCryptographyClient('unwrap-only');
    expect(await restErrorOf(crypto.wrapKey('RSA-OAEP-256', randomBytes(32)))).toMatchObject({
      statusCode: 403,
      innerCode: 'KeyOperationForbidden',
      message: 'Operation wrapKey is not permitted on this key.',
    });
    const dataKey = randomBytes(32);
    expect(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', wrapLocally(unwrapOnly, dataKey))).result)).toEqual(dataKey);
  });

  it('answers damaged ciphertexts, oversized plaintexts and unknown algorithms with 400 BadParameter', async () => {
    const crypto = remoteOnly.getCryptographyClient('kek', { keyVersion: key.properties.version! });
    const good = wrapLocally(key, randomBytes(32));
    const flipped = Buffer.from(good);
    flipped[100] = flipped[100]! ^ 1;
    for (const [name, ciphertext] of [['flipped', flipped], ['truncated', good.subarray(1)], ['one byte', good.subarray(0, 1)]] as const) {
      expect(await restErrorOf(crypto.unwrapKey('RSA-OAEP-256', ciphertext)), name).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    }
    expect(await restErrorOf(crypto.wrapKey('RSA-OAEP-256', randomBytes(191)))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(await restErrorOf(crypto.wrapKey('RSA1_5', randomBytes(32)))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(await restErrorOf(crypto.unwrapKey('A256KW', good))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
  });

  it('answers a missing key with 404 KeyNotFound', async () => {
    expect(await restErrorOf(remoteOnly.getCryptographyClient('absent').unwrapKey('RSA-OAEP-256', randomBytes(256)))).toMatchObject({
      statusCode: 404,
      code: 'KeyNotFound',
    });
  });
});
