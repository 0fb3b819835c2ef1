/**
 * @envelope-kit/provider-vault: data keys wrapped by HashiCorp Vault Transit
 * keys. See `provider.ts` for the URI format, options and the Vault policy.
 */
export { scheme, createKeyWrapper } from './provider.js';
export { VaultTransitKeyWrapper, VAULT_PROVIDER_ID, vaultKeyVersion } from './vaultKeyWrapper.js';
export type { ResolvedVaultKey } from './vaultKeyWrapper.js';
export { VAULT_SCHEME, VAULT_CONTEXT_BINDINGS, parseVaultKeyUri, vaultKeyId } from './vaultKeyUri.js';
export type { VaultContextBinding, VaultKeyUri } from './vaultKeyUri.js';
export { readVaultSettings } from './vaultOptions.js';
export type { VaultEnvironment, VaultProviderOptions, VaultSettings } from './vaultOptions.js';
export { TransitClient, createVaultClient } from './transitClient.js';
export type { TransitBinding, TransitCiphertext, TransitClientSettings, TransitKeyDescription, VaultClientLike } from './transitClient.js';
export { VaultRequestError, classifyVaultError, isRetryable, vaultError } from './vaultErrors.js';
export type { RetryPolicy } from './retry.js';
