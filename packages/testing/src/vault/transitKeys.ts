import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The key types the emulator implements: Transit's AES-GCM keys and its RSA encryption keys. */
export const TRANSIT_KEY_TYPES = Object.freeze(['aes128-gcm96', 'aes256-gcm96', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const);

export type TransitKeyType = (typeof TRANSIT_KEY_TYPES)[number];

export type KeyMaterial =
  | { readonly kind: 'symmetric'; readonly secret: Buffer }
  | { readonly kind: 'rsa'; readonly privateKey: KeyObject; readonly publicKeyPem: string };

export interface KeyVersion {
  readonly created: Date;
  readonly material: KeyMaterial;
}

const RSA_BITS: Readonly<Record<string, number>> = { 'rsa-2048': 2048, 'rsa-3072': 3072, 'rsa-4096': 4096 };

export function isTransitKeyType(type: string): type is TransitKeyType {
  return (TRANSIT_KEY_TYPES as readonly string[]).includes(type);
}

/** AEAD key types take `associated_data`; Vault refuses it for the others. */
export function isAeadKeyType(type: TransitKeyType): boolean {
  return type === 'aes128-gcm96' || type === 'aes256-gcm96';
}

/**
 * A named Transit key: a list of versions (1-based, never removed), the
 * minimum version still allowed to decrypt, and whether every operation
 * derives a per-context key from the version's secret.
 */
export class TransitKey {
  private readonly versions: KeyVersion[] = [];
  private minDecryption = 1;
  /** Vault refuses to delete a key until its config allows it. */
  deletionAllowed = false;

  private constructor(
    readonly name: string,
    readonly type: TransitKeyType,
    readonly derived: boolean,
  ) {}

  static async create(name: string, type: TransitKeyType, derived: boolean): Promise<TransitKey> {
    const key = new TransitKey(name, type, derived);
    await key.rotate();
    return key;
  }

  get latestVersion(): number {
    return this.versions.length;
  }

  get minDecryptionVersion(): number {
    return this.minDecryption;
  }

  set minDecryptionVersion(version: number) {
    if (!Number.isInteger(version) || version < 1 || version > this.latestVersion) {
      throw new RangeError(`min decryption version must be 1 to ${this.latestVersion}, got ${version}`);
    }
    this.minDecryption = version;
  }

  get aead(): boolean {
    return isAeadKeyType(this.type);
  }

  /** Key material of `version`; callers check the version is in range first. */
  version(version: number): KeyVersion {
    const entry = this.versions[version - 1];
    if (!entry) throw new RangeError(`key ${this.name} has no version ${version}`);
    return entry;
  }

  /** Adds a version with fresh material; returns its number. */
  async rotate(): Promise<number> {
    const material = await newMaterial(this.type);
    this.versions.push({ created: new Date(), material });
    return this.versions.length;
  }

  /** The `data` of GET /keys/:name, in Vault's field names. */
  describe(): Record<string, unknown> {
    const keys: Record<string, unknown> = {};
    this.versions.forEach(({ created, material }, index) => {
      keys[String(index + 1)] =
        material.kind === 'rsa'
          ? { creation_time: created.toISOString(), name: this.type, public_key: material.publicKeyPem }
          : Math.floor(created.getTime() / 1000);
    });
    const symmetric = this.type.startsWith('aes');
    return {
      name: this.name,
      type: this.type,
      derived: this.derived,
      ...(this.derived ? { kdf: 'hkdf_sha256' } : {}),
      convergent_encryption: false,
      deletion_allowed: this.deletionAllowed,
      exportable: false,
      allow_plaintext_backup: false,
      auto_rotate_period: 0,
      imported: false,
      keys,
      latest_version: this.latestVersion,
      min_available_version: 0,
      min_decryption_version: this.minDecryption,
      min_encryption_version: 0,
      supports_encryption: true,
      supports_decryption: true,
      supports_derivation: symmetric,
      supports_signing: !symmetric,
    };
  }
}

/** Keys by namespace and mount: the same name in two namespaces or mounts is two keys, as in Vault. */
export class TransitKeyStore {
  private readonly keys = new Map<string, TransitKey>();
  // RSA generation takes a while; a second create of the same name waits for the first.
  private readonly creating = new Map<string, Promise<TransitKey>>();

  get(namespace: string, mount: string, name: string): TransitKey | undefined {
    return this.keys.get(storeKey(namespace, mount, name));
  }

  delete(namespace: string, mount: string, name: string): boolean {
    return this.keys.delete(storeKey(namespace, mount, name));
  }

  /** Creates the key unless it exists; `created` tells which (Vault warns, but succeeds, on a second create). */
  async create(
    namespace: string,
    mount: string,
    name: string,
    type: TransitKeyType,
    derived: boolean,
  ): Promise<{ readonly key: TransitKey; readonly created: boolean }> {
    const id = storeKey(namespace, mount, name);
    const existing = this.keys.get(id) ?? (await this.creating.get(id));
    if (existing) return { key: existing, created: false };
    const pending = TransitKey.create(name, type, derived);
    this.creating.set(id, pending);
    try {
      const key = await pending;
      this.keys.set(id, key);
      return { key, created: true };
    } finally {
      this.creating.delete(id);
    }
  }
}

function storeKey(namespace: string, mount: string, name: string): string {
  return `${namespace}\u0000${mount}\u0000${name}`;
}

async function newMaterial(type: TransitKeyType): Promise<KeyMaterial> {
  if (type === 'aes128-gcm96') return { kind: 'symmetric', secret: randomBytes(16) };
  if (type === 'aes256-gcm96') return { kind: 'symmetric', secret: randomBytes(32) };
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: RSA_BITS[type]! });
  return { kind: 'rsa', privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
