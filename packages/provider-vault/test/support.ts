import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { localKeyWrapper, type LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { VaultEmulator, type VaultEmulatorOptions } from '@envelope-kit/testing/vault';
import nodeVault from 'node-vault';
import { createKeyWrapper, type VaultProviderOptions, type VaultTransitKeyWrapper } from '../src/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** Small waits, so retry tests take milliseconds; the counts are what they check. */
export const FAST_RETRIES = Object.freeze({ retryBaseDelayMs: 5, retryMaxDelayMs: 20 });

export interface KeySpec {
  readonly type?: 'aes256-gcm96' | 'aes128-gcm96' | 'rsa-2048';
  readonly derived?: boolean;
  readonly mount?: string;
  readonly namespace?: string;
}

/** An emulator, an admin client that sets keys up through node-vault like any caller, and wrappers pointed at it. */
export interface VaultFixture {
  readonly vault: VaultEmulator;
  createKey(name: string, spec?: KeySpec): Promise<void>;
  rotate(name: string, spec?: Pick<KeySpec, 'mount' | 'namespace'>): Promise<void>;
  setMinDecryptionVersion(name: string, version: number): Promise<void>;
  /** A wrapper for `uri` talking to the emulator with its root token, fast retries, and `options` on top. */
  wrapper(uri: string, options?: VaultProviderOptions): VaultTransitKeyWrapper;
  close(): Promise<void>;
}

export async function startVault(options: VaultEmulatorOptions = {}): Promise<VaultFixture> {
  const vault = await VaultEmulator.start(options);
  const admin = (namespace?: string) => nodeVault(vault.clientConfig(namespace === undefined ? {} : { namespace }));
  return {
    vault,
    async createKey(name, { type = 'aes256-gcm96', derived = false, mount = 'transit', namespace } = {}) {
      await admin(namespace).write(`${mount}/keys/${name}`, { type, derived });
    },
    async rotate(name, { mount = 'transit', namespace } = {}) {
      await admin(namespace).write(`${mount}/keys/${name}/rotate`, {});
    },
    async setMinDecryptionVersion(name, version) {
      await admin().write(`transit/keys/${name}/config`, { min_decryption_version: version });
    },
    wrapper(uri, wrapperOptions = {}) {
      return createKeyWrapper(uri, { address: vault.endpoint, token: vault.token, ...FAST_RETRIES, ...wrapperOptions });
    },
    async close() {
      await vault.close();
    },
  };
}

/** A provider-local key, to mix with Vault keys in one keyring. */
export async function localKey(): Promise<LocalRsaKeyWrapper> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return localKeyWrapper(privateKey);
}
