/**
 * @envelope-kit/provider-azure: data-key wrapping with Azure Key Vault RSA
 * keys. See `provider.ts` for the URI format, options and environment.
 */
export { scheme, createKeyWrapper } from './provider.js';
export { AzureKeyVaultKeyWrapper, AZURE_KEY_VAULT_ALGORITHM, AZURE_KEY_VAULT_PROVIDER_ID } from './azureKeyVaultKeyWrapper.js';
export type { AzureKeyVaultKeyWrapperOptions, ResolvedKeyVaultKey } from './azureKeyVaultKeyWrapper.js';
export {
  AZURE_KEY_VAULT_SCHEME,
  formatKeyVaultKeyId,
  KEY_VAULT_DNS_SUFFIXES,
  parseAzureKeyVaultKeyUri,
  parseKeyVaultKeyId,
  sameKeyVaultKey,
} from './azureKeyVaultKeyUri.js';
export type { AzureKeyVaultKeyUri, KeyVaultKeyName } from './azureKeyVaultKeyUri.js';
export { AZURE_KEYVAULT_ENV, createKeyClient, readAzureKeyVaultOptions, resolveCredential, staticTokenCredential } from './keyVaultClientOptions.js';
export type { AzureKeyVaultProviderOptions } from './keyVaultClientOptions.js';
export { KEY_VAULT_STATUS_CODES, keyVaultError } from './keyVaultErrors.js';
