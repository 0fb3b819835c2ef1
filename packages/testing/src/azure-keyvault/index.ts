/**
 * @envelope-kit/testing/azure-keyvault: an Azure Key Vault (keys) emulator
 * on https://127.0.0.1 that the official @azure/keyvault-keys clients talk to
 * unmodified, with the bearer-challenge flow, a test CA and fault injection.
 */
export { AzureKeyVaultEmulator } from './azureKeyVaultEmulator.js';
export type { AzureKeyVaultEmulatorOptions, EmulatorClientOptions, EmulatorTokenCredential, TokenRequest } from './azureKeyVaultEmulator.js';
export { KEY_PERMISSIONS, KEY_VAULT_RESOURCE, KEY_VAULT_SCOPE } from './bearerTokens.js';
export type { EmulatorAccessToken, KeyPermission, TokenOptions } from './bearerTokens.js';
export type { FailureOptions, FaultScope, ThrottleOptions } from './faults.js';
export { KEY_VAULT_ERROR_STATUS } from './keyVaultError.js';
export type { KeyVaultErrorCode } from './keyVaultError.js';
export { EMULATED_KEY_TYPES, EMULATED_RSA_KEY_SIZES, KEY_OPERATIONS } from './keyStore.js';
export type { EmulatedKeyType, KeyOperation } from './keyStore.js';
export { EMULATED_ALGORITHMS, KEY_VAULT_OPERATIONS } from './operations.js';
export type { KeyVaultOperation } from './operations.js';
export { CERTIFICATE_HOSTS, testCertificate } from './tlsCertificate.js';
export type { TestCertificate } from './tlsCertificate.js';
