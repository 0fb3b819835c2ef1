import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode, wrapperMatches } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { describe, expect, it } from 'vitest';
import { createKeyWrapper, type AzureKeyVaultKeyWrapper } from '../src/index.js';

/**
 * Against a real vault, only when ENVELOPE_LIVE_AZURE_KEY_ID names a key:
 * azurekeyvault://VAULT.vault.azure.net/keys/NAME (or its https://... key id).
 * Credentials: AZURE_KEYVAULT_ACCESS_TOKEN, or DefaultAzureCredential when
 * the app has @azure/identity installed. The principal needs keys get,
 * wrapKey and unwrapKey ("Key Vault Crypto User").
 */
const LIVE_KEY = process.env.ENVELOPE_LIVE_AZURE_KEY_ID;
if (!LIVE_KEY) console.info('azurekeyvault live tests skipped: set ENVELOPE_LIVE_AZURE_KEY_ID=azurekeyvault://VAULT.vault.azure.net/keys/NAME to run them');

const CONTEXT = { purpose: 'live-test' };

describe.skipIf(!LIVE_KEY)('azurekeyvault against a real vault', () => {
  const uri = (LIVE_KEY ?? '').replace(/^https:\/\//, 'azurekeyvault://');
  const wrapper = (): Promise<AzureKeyVaultKeyWrapper> => createKeyWrapper(uri, { timeoutMs: 20_000 });

  it('wraps locally, unwraps through the vault, and records the versioned key id', async () => {
    const key = await wrapper();
    const resolved = await key.resolve();
    const dataKey = randomBytes(32);
    const wrapped = await key.wrap(dataKey, CONTEXT);
    expect(wrapped.keyId).toMatch(/\/keys\/[0-9a-zA-Z-]+\/[0-9a-f]{32}$/);
    if (resolved.mode === 'local') expect(wrapped.keyId).toBe(resolved.keyId);
    expect(wrapperMatches(key, wrapped)).toBe(true);
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
  }, 30_000);

  it('encrypts and decrypts an envelope', async () => {
    const key = await wrapper();
    const envelope = await encrypt('live envelope', { keyring: key, context: CONTEXT });
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).toString()).toBe('live envelope');
  }, 30_000);

  it('refuses a damaged ciphertext with UNWRAP_FAILED', async () => {
    const key = await wrapper();
    const wrapped = await key.wrap(randomBytes(32), CONTEXT);
    const damaged = Uint8Array.from(wrapped.ciphertext);
    damaged[0] = damaged[0]! ^ 1;
    await expectEnvelopeError(key.unwrap({ ...wrapped, ciphertext: damaged }, CONTEXT), ErrorCode.UNWRAP_FAILED);
  }, 30_000);
});
