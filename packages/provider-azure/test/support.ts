import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { TokenCredential } from '@azure/core-auth';
import { KeyClient, type CreateRsaKeyOptions, type KeyVaultKey } from '@azure/keyvault-keys';
import { localKeyWrapper, type LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { AzureKeyVaultEmulator, type KeyPermission } from '@envelope-kit/testing/azure-keyvault';
import { createKeyWrapper, type AzureKeyVaultKeyWrapper } from '../src/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The vault the URIs name; requests go to the emulator through the vaultUrl option. */
export const VAULT_HOST = 'envelope-test.vault.azure.net';

export interface WrapperOptions {
  /** The access-policy permissions of the wrapper's token. Default: all. */
  readonly permissions?: readonly KeyPermission[];
  /** Another credential instead of one the emulator issues. */
  readonly credential?: TokenCredential;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  readonly keyCacheTtlMs?: number;
}

/** An emulator and an admin client to set keys up with, through the SDK like any caller. */
export interface VaultFixture {
  readonly kv: AzureKeyVaultEmulator;
  readonly admin: KeyClient;
  /** Creates an RSA key (or a new version of one), 2048 bits unless told. */
  createKey(name: string, options?: CreateRsaKeyOptions): Promise<KeyVaultKey>;
  /** `azurekeyvault://VAULT_HOST/keys/NAME[/VERSION]`. */
  uri(name: string, version?: string): string;
  /** A wrapper for `uri` that talks to the emulator over TLS, trusting its CA; short retry delays. */
  wrapper(uri: string, options?: WrapperOptions): Promise<AzureKeyVaultKeyWrapper>;
  close(): Promise<void>;
}

export async function startVault(): Promise<VaultFixture> {
  const kv = await AzureKeyVaultEmulator.start();
  const admin = new KeyClient(kv.vaultUrl, kv.credential(), { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
  return {
    kv,
    admin,
    createKey: (name, options = {}) => admin.createRsaKey(name, { keySize: 2048, ...options }),
    uri: (name, version) => `azurekeyvault://${VAULT_HOST}/keys/${name}${version === undefined ? '' : `/${version}`}`,
    wrapper: (uri, options = {}) =>
      createKeyWrapper(uri, {
        credential: options.credential ?? kv.credential(options.permissions === undefined ? {} : { permissions: options.permissions }),
        vaultUrl: kv.vaultUrl,
        clientOptions: { tlsOptions: { ca: kv.caCertificate } },
        retryDelayMs: 5,
        maxRetryDelayMs: 20,
        ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.keyCacheTtlMs === undefined ? {} : { keyCacheTtlMs: options.keyCacheTtlMs }),
      }),
    close: () => kv.close(),
  };
}

/** A provider-local key, to mix with Key Vault keys in one keyring. */
export async function localKey(): Promise<LocalRsaKeyWrapper> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return localKeyWrapper(privateKey);
}
