import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { localKeyWrapper, type LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { GcpKmsEmulator, type EmulatedAlgorithm, type GcpKmsEmulatorOptions } from '@envelope-kit/testing/gcp-kms';
import { createKeyWrapper, type GcpKmsKeyWrapper, type GcpKmsProviderOptions } from '../src/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

const LOCATION = 'projects/envelope-kit-tests/locations/us-east1';

/** Options of a test wrapper: the provider's own, minus the connection the fixture makes. */
export type WrapperOptions = Omit<GcpKmsProviderOptions, 'client' | 'emulatorHost'>;

/** An emulator and an admin client to set keys up with, through the official client like any caller. */
export interface KmsFixture {
  readonly kms: GcpKmsEmulator;
  readonly admin: KeyManagementServiceClient;
  /** Creates a crypto key in the fixture's key ring and returns its name. */
  createKey(algorithm?: EmulatedAlgorithm): Promise<string>;
  /** Adds a version to a key, makes it primary (symmetric keys), and returns its name. */
  rotate(cryptoKey: string): Promise<string>;
  setState(version: string, state: 'ENABLED' | 'DISABLED'): Promise<void>;
  destroy(version: string): Promise<void>;
  /** A provider wrapper for `gcpkms://<name>`, talking to the emulator. */
  wrapper(name: string, options?: WrapperOptions): GcpKmsKeyWrapper;
  close(): Promise<void>;
}

export async function startKms(options: GcpKmsEmulatorOptions = {}): Promise<KmsFixture> {
  const kms = await GcpKmsEmulator.start(options);
  const admin = new KeyManagementServiceClient(kms.clientOptions());
  // No client-side retries for setup calls: a failure should surface at once.
  const call = () => ({ ...kms.callOptions(), retry: null });
  const [ring] = await admin.createKeyRing({ parent: LOCATION, keyRingId: 'envelope' }, call());
  const wrappers: GcpKmsKeyWrapper[] = [];
  let keys = 0;
  return {
    kms,
    admin,
    async createKey(algorithm = 'GOOGLE_SYMMETRIC_ENCRYPTION') {
      const purpose = algorithm === 'GOOGLE_SYMMETRIC_ENCRYPTION' ? 'ENCRYPT_DECRYPT' : 'ASYMMETRIC_DECRYPT';
      keys += 1;
      const [key] = await admin.createCryptoKey(
        { parent: ring.name!, cryptoKeyId: `key-${keys}`, cryptoKey: { purpose, versionTemplate: { algorithm } } },
        call(),
      );
      return key.name!;
    },
    async rotate(cryptoKey) {
      const [version] = await admin.createCryptoKeyVersion({ parent: cryptoKey, cryptoKeyVersion: {} }, call());
      const [key] = await admin.getCryptoKey({ name: cryptoKey }, call());
      if (key.purpose === 'ENCRYPT_DECRYPT') {
        await admin.updateCryptoKeyPrimaryVersion({ name: cryptoKey, cryptoKeyVersionId: version.name!.split('/').pop()! }, call());
      }
      return version.name!;
    },
    async setState(version, state) {
      await admin.updateCryptoKeyVersion({ cryptoKeyVersion: { name: version, state }, updateMask: { paths: ['state'] } }, call());
    },
    async destroy(version) {
      await admin.destroyCryptoKeyVersion({ name: version }, call());
    },
    wrapper(name, wrapperOptions = {}) {
      const wrapper = createKeyWrapper(`gcpkms://${name}`, { emulatorHost: kms.host, emulatorToken: kms.token, ...wrapperOptions });
      wrappers.push(wrapper);
      return wrapper;
    },
    async close() {
      await Promise.all(wrappers.map((wrapper) => wrapper.close()));
      await admin.close();
      await kms.close();
    },
  };
}

/** A provider-local key, to mix with Cloud KMS keys in one keyring. */
export async function localKey(): Promise<LocalRsaKeyWrapper> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return localKeyWrapper(privateKey);
}
