import { createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { RpcError } from './rpcError.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The CryptoKeyVersion algorithms the emulator can create, with the purpose each belongs to. */
export const EMULATED_ALGORITHMS = {
  GOOGLE_SYMMETRIC_ENCRYPTION: { purpose: 'ENCRYPT_DECRYPT', rsaBits: undefined },
  RSA_DECRYPT_OAEP_2048_SHA256: { purpose: 'ASYMMETRIC_DECRYPT', rsaBits: 2048 },
  RSA_DECRYPT_OAEP_3072_SHA256: { purpose: 'ASYMMETRIC_DECRYPT', rsaBits: 3072 },
  RSA_DECRYPT_OAEP_4096_SHA256: { purpose: 'ASYMMETRIC_DECRYPT', rsaBits: 4096 },
} as const;
export type EmulatedAlgorithm = keyof typeof EMULATED_ALGORITHMS;
export type EmulatedPurpose = (typeof EMULATED_ALGORITHMS)[EmulatedAlgorithm]['purpose'];

/**
 * The states a version can be in here. The service schedules destruction
 * (DESTROY_SCHEDULED, 30 days by default); the emulator destroys at once.
 */
export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

export type VersionMaterial =
  | { readonly kind: 'symmetric'; readonly secret: Buffer }
  | { readonly kind: 'rsa'; readonly privateKey: KeyObject; readonly publicKeyPem: string };

export interface KeyRingRecord {
  readonly name: string;
  readonly createTime: Date;
}

/** One key version. Its material never leaves the emulator, as in KMS. */
export interface VersionRecord {
  readonly name: string;
  readonly cryptoKeyName: string;
  readonly id: number;
  /** The random id a symmetric ciphertext names, so Decrypt on the key finds its version. */
  readonly handle: Buffer;
  readonly algorithm: EmulatedAlgorithm;
  readonly createTime: Date;
  state: VersionState;
  destroyTime: Date | undefined;
  /** Undefined once destroyed. */
  material: VersionMaterial | undefined;
}

export interface CryptoKeyRecord {
  readonly name: string;
  readonly purpose: EmulatedPurpose;
  readonly algorithm: EmulatedAlgorithm;
  readonly createTime: Date;
  readonly labels: Readonly<Record<string, string>>;
  /** Symmetric keys only: the version Encrypt uses when given the key's name. */
  primary: VersionRecord | undefined;
  readonly versions: VersionRecord[];
}

export interface NewCryptoKey {
  readonly algorithm: EmulatedAlgorithm;
  readonly labels: Readonly<Record<string, string>>;
  readonly skipInitialVersionCreation: boolean;
}

const HANDLE_BYTES = 16;
// Resource ids: KMS's rule for key rings and keys, and permissive project/location ids.
const RESOURCE_ID = /^[a-zA-Z0-9_-]{1,63}$/;
const LOCATION_NAME = /^projects\/[a-z0-9][a-z0-9.:-]{0,99}\/locations\/[a-z0-9-]{1,63}$/;
const KEY_RING_NAME = /^(projects\/[^/]+\/locations\/[^/]+)\/keyRings\/([^/]+)$/;
const CRYPTO_KEY_NAME = /^(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+)\/cryptoKeys\/([^/]+)$/;
const VERSION_NAME = /^(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+)\/cryptoKeyVersions\/([1-9][0-9]{0,8})$/;

/**
 * Key rings, crypto keys and their versions, named as Cloud KMS names them.
 * Any project and location exist; key rings must be created first.
 */
export class KeyStore {
  private readonly keyRings = new Map<string, KeyRingRecord>();
  private readonly cryptoKeys = new Map<string, CryptoKeyRecord>();
  private readonly byHandle = new Map<string, VersionRecord>();

  createKeyRing(parent: string, keyRingId: string): KeyRingRecord {
    if (!LOCATION_NAME.test(parent)) throw invalidName(parent, 'projects/{project}/locations/{location}');
    checkResourceId(keyRingId, 'key_ring_id');
    const name = `${parent}/keyRings/${keyRingId}`;
    if (this.keyRings.has(name)) throw new RpcError('ALREADY_EXISTS', `KeyRing ${name} already exists.`);
    const keyRing = { name, createTime: new Date() };
    this.keyRings.set(name, keyRing);
    return keyRing;
  }

  keyRing(name: string): KeyRingRecord {
    if (!KEY_RING_NAME.test(name)) throw invalidName(name, 'projects/{project}/locations/{location}/keyRings/{key_ring}');
    const keyRing = this.keyRings.get(name);
    if (!keyRing) throw new RpcError('NOT_FOUND', `KeyRing ${name} not found.`);
    return keyRing;
  }

  async createCryptoKey(parent: string, cryptoKeyId: string, request: NewCryptoKey): Promise<CryptoKeyRecord> {
    this.keyRing(parent);
    checkResourceId(cryptoKeyId, 'crypto_key_id');
    const name = `${parent}/cryptoKeys/${cryptoKeyId}`;
    if (this.cryptoKeys.has(name)) throw new RpcError('ALREADY_EXISTS', `CryptoKey ${name} already exists.`);
    const key: CryptoKeyRecord = {
      name,
      purpose: EMULATED_ALGORITHMS[request.algorithm].purpose,
      algorithm: request.algorithm,
      createTime: new Date(),
      labels: { ...request.labels },
      primary: undefined,
      versions: [],
    };
    // Reserve the name before generating material, so a concurrent create of the same key fails.
    this.cryptoKeys.set(name, key);
    if (!request.skipInitialVersionCreation) {
      const first = await this.addVersion(key);
      if (key.purpose === 'ENCRYPT_DECRYPT') key.primary = first;
    }
    return key;
  }

  /** A crypto key by its full name (a version name is not a key name). */
  cryptoKey(name: string): CryptoKeyRecord {
    if (!CRYPTO_KEY_NAME.test(name)) {
      throw invalidName(name, 'projects/{project}/locations/{location}/keyRings/{key_ring}/cryptoKeys/{crypto_key}');
    }
    const key = this.cryptoKeys.get(name);
    if (!key) throw new RpcError('NOT_FOUND', `CryptoKey ${name} not found.`);
    return key;
  }

  async createVersion(cryptoKeyName: string): Promise<VersionRecord> {
    return this.addVersion(this.cryptoKey(cryptoKeyName));
  }

  version(name: string): VersionRecord {
    const match = VERSION_NAME.exec(name);
    if (!match) {
      throw invalidName(name, 'projects/{project}/locations/{location}/keyRings/{key_ring}/cryptoKeys/{crypto_key}/cryptoKeyVersions/{crypto_key_version}');
    }
    const key = this.cryptoKey(match[1]!);
    const version = key.versions[Number(match[2]) - 1];
    if (!version) throw new RpcError('NOT_FOUND', `CryptoKeyVersion ${name} not found.`);
    return version;
  }

  isVersionName(name: string): boolean {
    return VERSION_NAME.test(name);
  }

  /** The version a ciphertext names, if any. */
  versionByHandle(handle: Uint8Array): VersionRecord | undefined {
    return this.byHandle.get(Buffer.from(handle).toString('hex'));
  }

  /** Enables or disables a version; destroyed versions stay destroyed. */
  setState(name: string, state: 'ENABLED' | 'DISABLED'): VersionRecord {
    const version = this.version(name);
    if (version.state === 'DESTROYED') {
      throw new RpcError('FAILED_PRECONDITION', `${name} is destroyed and its state cannot be changed.`);
    }
    version.state = state;
    return version;
  }

  destroy(name: string): VersionRecord {
    const version = this.version(name);
    if (version.state === 'DESTROYED') throw new RpcError('FAILED_PRECONDITION', `${name} is already destroyed.`);
    version.state = 'DESTROYED';
    version.destroyTime = new Date();
    // Dropping the material is the point: nothing it protected can be decrypted again.
    if (version.material?.kind === 'symmetric') version.material.secret.fill(0);
    version.material = undefined;
    return version;
  }

  setPrimary(cryptoKeyName: string, versionId: string): CryptoKeyRecord {
    const key = this.cryptoKey(cryptoKeyName);
    if (key.purpose !== 'ENCRYPT_DECRYPT') {
      throw new RpcError('FAILED_PRECONDITION', `${key.name} has purpose ${key.purpose}; only ENCRYPT_DECRYPT keys have a primary version.`);
    }
    const version = this.version(`${key.name}/cryptoKeyVersions/${versionId}`);
    if (version.state !== 'ENABLED') throw notEnabled(version);
    key.primary = version;
    return key;
  }

  private async addVersion(key: CryptoKeyRecord): Promise<VersionRecord> {
    const material = await makeMaterial(key.algorithm);
    const id = key.versions.length + 1;
    const handle = randomBytes(HANDLE_BYTES);
    const version: VersionRecord = {
      name: `${key.name}/cryptoKeyVersions/${id}`,
      cryptoKeyName: key.name,
      id,
      handle,
      algorithm: key.algorithm,
      createTime: new Date(),
      state: 'ENABLED',
      destroyTime: undefined,
      material,
    };
    key.versions.push(version);
    this.byHandle.set(handle.toString('hex'), version);
    return version;
  }
}

/** The service's refusal to use a version that is not ENABLED. */
export function notEnabled(version: VersionRecord): RpcError {
  return new RpcError('FAILED_PRECONDITION', `${version.name} is not enabled, current state is: ${version.state}.`);
}

export function isEmulatedAlgorithm(name: string): name is EmulatedAlgorithm {
  return Object.hasOwn(EMULATED_ALGORITHMS, name);
}

async function makeMaterial(algorithm: EmulatedAlgorithm): Promise<VersionMaterial> {
  const bits = EMULATED_ALGORITHMS[algorithm].rsaBits;
  if (bits === undefined) return { kind: 'symmetric', secret: randomBytes(32) };
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  return { kind: 'rsa', privateKey, publicKeyPem: typeof publicKeyPem === 'string' ? publicKeyPem : publicKeyPem.toString('utf8') };
}

function checkResourceId(id: string, field: string): void {
  if (!RESOURCE_ID.test(id)) {
    throw new RpcError('INVALID_ARGUMENT', `${field} must be 1 to 63 letters, digits, underscores or hyphens, got "${id}"`);
  }
}

function invalidName(name: string, pattern: string): RpcError {
  return new RpcError('INVALID_ARGUMENT', `Resource name "${name}" does not match the pattern ${pattern}.`);
}
