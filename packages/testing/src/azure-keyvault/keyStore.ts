import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyVaultError } from './keyVaultError.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The key types the emulator can create: software-protected and HSM-protected RSA alike. */
export const EMULATED_KEY_TYPES = ['RSA', 'RSA-HSM'] as const;
export type EmulatedKeyType = (typeof EMULATED_KEY_TYPES)[number];

/** RSA modulus sizes Key Vault offers. */
export const EMULATED_RSA_KEY_SIZES = [2048, 3072, 4096] as const;

/** The `key_ops` values Key Vault knows. */
export const KEY_OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

// What Key Vault grants an RSA key created without key_ops.
const DEFAULT_RSA_KEY_OPS: readonly KeyOperation[] = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];
const DEFAULT_KEY_SIZE = 2048;
const RSA_PUBLIC_EXPONENT = 0x10001;
// Key names: 1-127 letters, digits and dashes (Key Vault's object-name rule).
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** One version of a key. Its private half never leaves the emulator, as in Key Vault. */
export interface EmulatedKeyVersion {
  /** The name as it was first created; lookups ignore case, as Key Vault's do. */
  readonly name: string;
  /** 32 lowercase hex digits, as Key Vault makes them. */
  readonly version: string;
  readonly kty: EmulatedKeyType;
  readonly keySize: number;
  readonly privateKey: KeyObject;
  /** The public modulus and exponent, base64url, as the JWK carries them. */
  readonly n: string;
  readonly e: string;
  keyOps: readonly KeyOperation[];
  enabled: boolean;
  /** Unix seconds, or undefined. Stored and returned; not enforced. */
  notBefore: number | undefined;
  expires: number | undefined;
  readonly created: number;
  updated: number;
  tags: Readonly<Record<string, string>>;
}

export interface NewKeyVersion {
  readonly kty: EmulatedKeyType;
  readonly keySize?: number;
  readonly keyOps?: readonly KeyOperation[];
  readonly enabled?: boolean;
  readonly notBefore?: number;
  readonly expires?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The keys of one vault. Creating a key that exists adds a new version, which
 * becomes the current one; older versions stay usable by their full id.
 */
export class KeyStore {
  // Lower-cased name -> versions, oldest first: the last is the current version.
  private readonly keys = new Map<string, EmulatedKeyVersion[]>();

  async create(name: string, request: NewKeyVersion): Promise<EmulatedKeyVersion> {
    checkName(name);
    const keySize = request.keySize ?? DEFAULT_KEY_SIZE;
    if (!(EMULATED_RSA_KEY_SIZES as readonly number[]).includes(keySize)) {
      throw new KeyVaultError('BadParameter', `The key size ${keySize} is not supported for RSA keys; use one of ${EMULATED_RSA_KEY_SIZES.join(', ')}.`);
    }
    const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: keySize, publicExponent: RSA_PUBLIC_EXPONENT });
    const { n, e } = publicKey.export({ format: 'jwk' });
    if (n === undefined || e === undefined) throw new KeyVaultError('InternalServerError', 'The emulator could not export the public key.');
    const now = Math.floor(Date.now() / 1000);
    const key: EmulatedKeyVersion = {
      name: this.keys.get(name.toLowerCase())?.[0]?.name ?? name,
      version: randomBytes(16).toString('hex'),
      kty: request.kty,
      keySize,
      privateKey,
      n,
      e,
      keyOps: request.keyOps ?? DEFAULT_RSA_KEY_OPS,
      enabled: request.enabled ?? true,
      notBefore: request.notBefore,
      expires: request.expires,
      created: now,
      updated: now,
      tags: request.tags ?? {},
    };
    const versions = this.keys.get(name.toLowerCase()) ?? [];
    versions.push(key);
    this.keys.set(name.toLowerCase(), versions);
    return key;
  }

  /** The named version, or the current one when `version` is empty; KeyNotFound otherwise. */
  find(name: string, version: string): EmulatedKeyVersion {
    checkName(name);
    const versions = this.keys.get(name.toLowerCase());
    const key = version === '' ? versions?.at(-1) : versions?.find((v) => v.version === version.toLowerCase());
    if (!key) {
      const id = version === '' ? name : `${name}/${version}`;
      throw new KeyVaultError(
        'KeyNotFound',
        `A key with (name/id) ${id} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );
    }
    return key;
  }
}

export function isKeyOperation(value: string): value is KeyOperation {
  return (KEY_OPERATIONS as readonly string[]).includes(value);
}

export function isEmulatedKeyType(value: string): value is EmulatedKeyType {
  return (EMULATED_KEY_TYPES as readonly string[]).includes(value);
}

function checkName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new KeyVaultError('BadParameter', `The request URI contains an invalid name: ${name}. Key names are 1-127 letters, digits and dashes.`);
  }
}
