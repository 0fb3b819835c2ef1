/**
 * @envelope-kit/testing/vault: HashiCorp Vault's Transit secrets engine on
 * 127.0.0.1, speaking Vault's HTTP API so node-vault talks to it unmodified.
 */
export { VaultEmulator, DEFAULT_VAULT_TOKEN } from './vaultEmulator.js';
export type { VaultClientConfig, VaultEmulatorOptions, VaultEmulatorToken, VaultEnvironment } from './vaultEmulator.js';
export type { VaultFailureOptions, VaultFaultScope } from './faults.js';
export { VAULT_OPERATIONS } from './routes.js';
export type { VaultOperation } from './routes.js';
export { TRANSIT_KEY_TYPES } from './transitKeys.js';
export type { TransitKeyType } from './transitKeys.js';
export { VAULT_FAULT_KINDS } from './vaultError.js';
export type { VaultFaultKind } from './vaultError.js';
