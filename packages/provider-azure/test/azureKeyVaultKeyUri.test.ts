import { ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { describe, expect, it } from 'vitest';
import { formatKeyVaultKeyId, parseAzureKeyVaultKeyUri, parseKeyVaultKeyId, sameKeyVaultKey } from '../src/index.js';

const VERSION = '0123456789abcdef0123456789abcdef';

describe('azurekeyvault key URIs', () => {
  it.each([
    ['azurekeyvault://myvault.vault.azure.net/keys/orders', { vaultHost: 'myvault.vault.azure.net', name: 'orders', version: undefined, keyId: 'https://myvault.vault.azure.net/keys/orders' }],
    [`azurekeyvault://myvault.vault.azure.net/keys/orders/${VERSION}`, { version: VERSION, keyId: `https://myvault.vault.azure.net/keys/orders/${VERSION}` }],
    [`azurekeyvault://MyVault.Vault.Azure.Net/keys/Orders-2/${VERSION.toUpperCase()}`, { vaultHost: 'myvault.vault.azure.net', name: 'Orders-2', version: VERSION }],
    ['azurekeyvault://my-vault-01.vault.azure.cn/keys/k', { vaultHost: 'my-vault-01.vault.azure.cn' }],
    ['azurekeyvault://gov.vault.usgovcloudapi.net/keys/k', { vaultHost: 'gov.vault.usgovcloudapi.net' }],
    ['azurekeyvault://myhsm.managedhsm.azure.net/keys/k', { vaultHost: 'myhsm.managedhsm.azure.net' }],
  ])('parses %s', (uri, expected) => {
    expect(parseAzureKeyVaultKeyUri(uri)).toMatchObject(expected);
  });

  it.each([
    ['local:///key.pem', 'another scheme'],
    ['azurekeyvault:', 'nothing'],
    ['azurekeyvault://myvault.vault.azure.net', 'no key'],
    ['azurekeyvault://myvault.vault.azure.net/keys/', 'an empty key name'],
    ['azurekeyvault://myvault.vault.azure.net/secrets/orders', 'a secret, not a key'],
    ['azurekeyvault://myvault.vault.azure.net/keys/orders/v1', 'a malformed version'],
    [`azurekeyvault://myvault.vault.azure.net/keys/orders/${VERSION}/extra`, 'a path too long'],
    ['azurekeyvault://myvault.vault.azure.net/keys/orders_1', 'a bad key name'],
    ['azurekeyvault://myvault.vault.azure.com/keys/orders', 'not a Key Vault domain'],
    ['azurekeyvault://vault.azure.net/keys/orders', 'no vault name'],
    ['azurekeyvault://ab.vault.azure.net/keys/orders', 'a vault name too short'],
    ['azurekeyvault://my--vault.vault.azure.net/keys/orders', 'consecutive dashes'],
    ['azurekeyvault://1vault.vault.azure.net/keys/orders', 'a vault name starting with a digit'],
    ['azurekeyvault://myvault.vault.azure.net:8443/keys/orders', 'a port'],
    ['azurekeyvault://user:pw@myvault.vault.azure.net/keys/orders', 'credentials'],
    ['azurekeyvault://myvault.vault.azure.net/keys/orders?algorithm=RSA1_5', 'a query'],
    ['azurekeyvault://myvault.vault.azure.net/keys/orders#x', 'a fragment'],
  ])('refuses %s (%s) with INVALID_ARGUMENT', async (uri) => {
    await expectEnvelopeError(async () => parseAzureKeyVaultKeyUri(uri), ErrorCode.INVALID_ARGUMENT);
  });

  it('parses and formats the https key ids recorded in wrapped keys', () => {
    const key = parseKeyVaultKeyId(`https://myvault.vault.azure.net/keys/orders/${VERSION}`);
    expect(key).toMatchObject({ vaultHost: 'myvault.vault.azure.net', name: 'orders', version: VERSION });
    expect(formatKeyVaultKeyId(key)).toBe(`https://myvault.vault.azure.net/keys/orders/${VERSION}`);
    expect(() => parseKeyVaultKeyId(`http://myvault.vault.azure.net/keys/orders/${VERSION}`)).toThrow(/not a Key Vault key id/);
    expect(() => parseKeyVaultKeyId('https://127.0.0.1/keys/orders')).toThrow(/vault's DNS name/);
  });

  it('compares keys by vault and name without regard to case, ignoring versions', () => {
    const a = parseAzureKeyVaultKeyUri(`azurekeyvault://myvault.vault.azure.net/keys/Orders/${VERSION}`);
    expect(sameKeyVaultKey(a, parseKeyVaultKeyId('https://MYVAULT.vault.azure.net/keys/orders'))).toBe(true);
    expect(sameKeyVaultKey(a, parseKeyVaultKeyId('https://other.vault.azure.net/keys/orders'))).toBe(false);
    expect(sameKeyVaultKey(a, parseKeyVaultKeyId('https://myvault.vault.azure.net/keys/orders2'))).toBe(false);
  });
});
