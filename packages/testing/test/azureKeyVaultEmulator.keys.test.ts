import { KeyClient } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureKeyVaultEmulator } from '../src/azure-keyvault/index.js';
import { restErrorOf } from './azureRestError.js';

describe('Azure Key Vault emulator: keys and versions through the KeyClient', () => {
  let kv: AzureKeyVaultEmulator;
  let keys: KeyClient;

  beforeAll(async () => {
    kv = await AzureKeyVaultEmulator.start();
    keys = new KeyClient(kv.vaultUrl, kv.credential(), { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
  });
  afterAll(async () => {
    await kv.close();
  });

  it('creates RSA keys with a versioned kid on the vault URL, the public JWK and Key Vault default key_ops', async () => {
    const key = await keys.createRsaKey('orders-kek', { keySize: 2048 });
    expect(key.id).toMatch(new RegExp(`^${kv.vaultUrl}/keys/orders-kek/[0-9a-f]{32}$`));
    expect(key.key?.kid).toBe(key.id);
    expect(key.keyType).toBe('RSA');
    expect(key.key?.n).toHaveLength(256);
    expect(Buffer.from(key.key!.e!).toString('hex')).toBe('010001');
    expect(key.key?.d, 'the private exponent never leaves the vault').toBeUndefined();
    expect(key.keyOperations).toEqual(['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey']);
    expect(key.properties.enabled).toBe(true);
    expect(key.properties.recoveryLevel).toBe('Recoverable+Purgeable');
  });

  it('makes 3072- and 4096-bit and RSA-HSM keys too', async () => {
    const big = await keys.createKey('big', 'RSA-HSM', { keySize: 3072, keyOps: ['wrapKey', 'unwrapKey'] });
    expect(big.keyType).toBe('RSA-HSM');
    expect(big.key?.n).toHaveLength(384);
    expect(big.keyOperations).toEqual(['wrapKey', 'unwrapKey']);
    expect((await keys.createRsaKey('bigger', { keySize: 4096 })).key?.n).toHaveLength(512);
  }, 30_000);

  it('adds a version when a key is created again; the name alone means the latest', async () => {
    const first = await keys.createRsaKey('rotating');
    const second = await keys.createRsaKey('rotating');
    expect(second.properties.version).not.toBe(first.properties.version);
    expect((await keys.getKey('rotating')).id).toBe(second.id);
    expect((await keys.getKey('rotating', { version: first.properties.version! })).id).toBe(first.id);
    expect(Buffer.from(first.key!.n!).equals(Buffer.from(second.key!.n!))).toBe(false);
  });

  it('finds names regardless of case, as Key Vault does, keeping the name as created', async () => {
    const key = await keys.createRsaKey('MixedCase');
    expect((await keys.getKey('mixedcase')).id).toBe(key.id);
    expect((await keys.createRsaKey('MIXEDCASE')).name).toBe('MixedCase');
  });

  it('disables and enables a version with PATCH; a disabled key is refused to get with 403 KeyDisabled', async () => {
    const key = await keys.createRsaKey('switch');
    const disabled = await keys.updateKeyProperties('switch', key.properties.version!, { enabled: false });
    expect(disabled.properties.enabled).toBe(false);
    expect(await restErrorOf(keys.getKey('switch'))).toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
      innerCode: 'KeyDisabled',
      message: 'Operation get is not allowed on a disabled key.',
    });
    await keys.updateKeyProperties('switch', key.properties.version!, { enabled: true });
    expect((await keys.getKey('switch')).properties.enabled).toBe(true);
  });

  it('updates key_ops and tags, keeping the material', async () => {
    const key = await keys.createRsaKey('narrowed', { tags: { team: 'billing' } });
    const updated = await keys.updateKeyProperties('narrowed', key.properties.version!, { keyOps: ['unwrapKey'], tags: { team: 'ops' } });
    expect(updated.keyOperations).toEqual(['unwrapKey']);
    expect(updated.properties.tags).toEqual({ team: 'ops' });
    expect(Buffer.from(updated.key!.n!).equals(Buffer.from(key.key!.n!))).toBe(true);
  });

  it('answers a missing key or version with 404 KeyNotFound in the service wording', async () => {
    expect(await restErrorOf(keys.getKey('nope'))).toMatchObject({ statusCode: 404, code: 'KeyNotFound' });
    expect((await restErrorOf(keys.getKey('nope'))).message).toMatch(/^A key with \(name\/id\) nope was not found in this key vault\./);
    await keys.createRsaKey('present');
    expect(await restErrorOf(keys.getKey('present', { version: '0'.repeat(32) }))).toMatchObject({ statusCode: 404, code: 'KeyNotFound' });
  });

  it('refuses what it does not emulate with 400 BadParameter: EC keys, odd sizes, bad names, unknown key_ops', async () => {
    expect(await restErrorOf(keys.createEcKey('ec'))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(await restErrorOf(keys.createRsaKey('odd', { keySize: 1024 }))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(await restErrorOf(keys.createRsaKey('under_score'))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(await restErrorOf(keys.createRsaKey('ops', { keyOps: ['launch'] }))).toMatchObject({ statusCode: 400, code: 'BadParameter' });
  });
});
