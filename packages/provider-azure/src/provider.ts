/**
 * The `azurekeyvault` provider: wraps data keys with Azure Key Vault (or
 * Managed HSM) RSA keys through the official `@azure/keyvault-keys`
 * (after gocloud.dev/secrets/azurekeyvault).
 *
 * URI format (scheme `azurekeyvault`), see `parseAzureKeyVaultKeyUri`:
 *   azurekeyvault://VAULT.vault.azure.net/keys/NAME              the current version
 *   azurekeyvault://VAULT.vault.azure.net/keys/NAME/VERSION      one pinned version
 * Any Key Vault or Managed HSM domain (vault.azure.cn, managedhsm.azure.net...).
 * No query parameters, port or credentials. Wrapped keys record the versioned
 * key id https://VAULT.vault.azure.net/keys/NAME/VERSION; a wrapper without a
 * pinned version unwraps every version of its key, each with that exact version.
 *
 * Options (`createKeyWrapper(uri, options)`), all optional; names it does not
 * know are ignored so one options object can serve several providers:
 *   credential        any TokenCredential (@azure/core-auth), e.g. DefaultAzureCredential
 *   accessToken       a ready token for https://vault.azure.net, used as is
 *   vaultUrl          send requests to this https URL instead (an emulator, a trusted proxy)
 *   clientOptions     SDK client options as is (tlsOptions, proxyOptions...)
 *   maxRetries        retries after the first attempt on 429/408/5xx/network (default 3)
 *   retryDelayMs      first retry delay, doubled each time (default 800), up to maxRetryDelayMs (8000)
 *   timeoutMs         deadline of one wrap or unwrap, retries included (default 30000)
 *   keyCacheTtlMs     reuse of the public key and current version (default 300000)
 * Environment (what the CLI uses), read where the options are silent:
 *   AZURE_KEYVAULT_ACCESS_TOKEN   a static token (az account get-access-token --resource https://vault.azure.net)
 *   AZURE_KEYVAULT_URL_OVERRIDE   the vaultUrl option
 *   NODE_EXTRA_CA_CERTS           (Node's own) a CA to trust, e.g. the emulator's
 * Without a credential or token, DefaultAzureCredential from @azure/identity is
 * used if the app installed it; otherwise createKeyWrapper fails, naming it.
 *
 * Keys: RSA or RSA-HSM, 2048 bits or more, with wrapKey and unwrapKey in key_ops.
 * Wrapping is local (RSA-OAEP-256 with the public key, read once per
 * keyCacheTtlMs) when the caller may read the key, else by the service
 * (wrapKey); unwrapping is always by the service (unwrapKey). Key Vault's
 * RSA-OAEP takes no label, so the envelope header alone binds the context.
 *
 * Permissions: producers keys/get and keys/wrapKey (get may be missing: wraps
 * then go to the service), consumers keys/unwrapKey (and keys/get, which the
 * SDK tries once per version and does without). RBAC: "Key Vault Crypto User".
 */
import type { ProviderOptions } from '@envelope-kit/core';
import { AZURE_KEY_VAULT_SCHEME, parseAzureKeyVaultKeyUri } from './azureKeyVaultKeyUri.js';
import { AzureKeyVaultKeyWrapper } from './azureKeyVaultKeyWrapper.js';
import { createKeyClient, readAzureKeyVaultOptions, resolveCredential } from './keyVaultClientOptions.js';

export const scheme = AZURE_KEY_VAULT_SCHEME;

/**
 * A wrapper for the key an `azurekeyvault:` URI names. Makes no Key Vault
 * call: the key is read on first use (or by `wrapper.resolve()`), so a keyring
 * can be built while Key Vault is unreachable and still decrypt with its other keys.
 */
export async function createKeyWrapper(uri: string, options?: ProviderOptions): Promise<AzureKeyVaultKeyWrapper> {
  const key = parseAzureKeyVaultKeyUri(uri);
  const settings = readAzureKeyVaultOptions(options, process.env);
  const credential = await resolveCredential(settings);
  return new AzureKeyVaultKeyWrapper(createKeyClient(key.vaultHost, credential, settings), key, {
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    ...(settings.keyCacheTtlMs === undefined ? {} : { keyCacheTtlMs: settings.keyCacheTtlMs }),
  });
}
