import { constants, privateDecrypt } from 'node:crypto';
import type { protos } from '@google-cloud/kms';
import { ciphertextHandle, openCiphertext, sealCiphertext } from './ciphertext.js';
import type { CorruptionKind } from './faults.js';
import {
  EMULATED_ALGORITHMS,
  isEmulatedAlgorithm,
  notEnabled,
  type CryptoKeyRecord,
  type EmulatedAlgorithm,
  type KeyStore,
  type VersionRecord,
} from './keyStore.js';
import { RpcError } from './rpcError.js';
import {
  booleanField,
  bytesField,
  checksumOf,
  enumField,
  isMessage,
  messageField,
  requiredString,
  stringListField,
  verifyChecksum,
  type Message,
} from './wire.js';

// The client's generated message types: responses are checked against them.
type KeyRingMessage = protos.google.cloud.kms.v1.IKeyRing;
type CryptoKeyMessage = protos.google.cloud.kms.v1.ICryptoKey;
type VersionMessage = protos.google.cloud.kms.v1.ICryptoKeyVersion;
type PublicKeyMessage = protos.google.cloud.kms.v1.IPublicKey;
type EncryptResponse = protos.google.cloud.kms.v1.IEncryptResponse;
type DecryptResponse = protos.google.cloud.kms.v1.IDecryptResponse;
type AsymmetricDecryptResponse = protos.google.cloud.kms.v1.IAsymmetricDecryptResponse;

/**
 * The KeyManagementService methods the emulator answers, each with the IAM
 * permission the service checks for it (named in PERMISSION_DENIED messages).
 * Any other method of the service answers UNIMPLEMENTED.
 */
export const GCP_KMS_METHOD_PERMISSIONS = {
  CreateKeyRing: 'cloudkms.keyRings.create',
  GetKeyRing: 'cloudkms.keyRings.get',
  CreateCryptoKey: 'cloudkms.cryptoKeys.create',
  GetCryptoKey: 'cloudkms.cryptoKeys.get',
  CreateCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.create',
  GetCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.get',
  UpdateCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.update',
  UpdateCryptoKeyPrimaryVersion: 'cloudkms.cryptoKeys.update',
  DestroyCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.destroy',
  GetPublicKey: 'cloudkms.cryptoKeyVersions.viewPublicKey',
  Encrypt: 'cloudkms.cryptoKeyVersions.useToEncrypt',
  Decrypt: 'cloudkms.cryptoKeyVersions.useToDecrypt',
  AsymmetricDecrypt: 'cloudkms.cryptoKeyVersions.useToDecrypt',
} as const;
export type GcpKmsMethod = keyof typeof GCP_KMS_METHOD_PERMISSIONS;
export const GCP_KMS_METHODS: readonly GcpKmsMethod[] = Object.freeze(Object.keys(GCP_KMS_METHOD_PERMISSIONS).filter(isGcpKmsMethod));

export interface OperationContext {
  readonly store: KeyStore;
  /** Damage to do to this call's response (a fault the test asked for). */
  readonly damage: CorruptionKind | undefined;
}

type Handler = (request: Message, context: OperationContext) => object | Promise<object>;

// The service's documented bounds: 64 KiB of plaintext and of AAD.
const MAX_DATA_BYTES = 64 * 1024;
// A ciphertext of 64 KiB plus the emulator's overhead, with room to spare.
const MAX_CIPHERTEXT_BYTES = 66 * 1024;
// Keys made here get the service's default scheduled-destruction period.
const DESTROY_SCHEDULED_SECONDS = 30 * 24 * 60 * 60;

export const OPERATIONS: Readonly<Record<GcpKmsMethod, Handler>> = {
  CreateKeyRing(request, { store }) {
    const keyRing = store.createKeyRing(requiredString(request, 'parent'), requiredString(request, 'keyRingId'));
    return { name: keyRing.name, createTime: timestamp(keyRing.createTime) } satisfies KeyRingMessage;
  },

  GetKeyRing(request, { store }) {
    const keyRing = store.keyRing(requiredString(request, 'name'));
    return { name: keyRing.name, createTime: timestamp(keyRing.createTime) } satisfies KeyRingMessage;
  },

  async CreateCryptoKey(request, { store }) {
    const cryptoKey = messageField(request, 'cryptoKey');
    const template = messageField(cryptoKey ?? {}, 'versionTemplate');
    const algorithm = newKeyAlgorithm(enumField(cryptoKey, 'purpose'), enumField(template, 'algorithm'), enumField(template, 'protectionLevel'));
    const labels = cryptoKey?.['labels'];
    const key = await store.createCryptoKey(requiredString(request, 'parent'), requiredString(request, 'cryptoKeyId'), {
      algorithm,
      labels: isMessage(labels) ? stringMap(labels) : {},
      skipInitialVersionCreation: booleanField(request, 'skipInitialVersionCreation'),
    });
    return cryptoKeyMessage(key);
  },

  GetCryptoKey(request, { store }) {
    return cryptoKeyMessage(store.cryptoKey(requiredString(request, 'name')));
  },

  async CreateCryptoKeyVersion(request, { store }) {
    return versionMessage(await store.createVersion(requiredString(request, 'parent')));
  },

  GetCryptoKeyVersion(request, { store }) {
    return versionMessage(store.version(requiredString(request, 'name')));
  },

  UpdateCryptoKeyVersion(request, { store }) {
    const version = messageField(request, 'cryptoKeyVersion');
    const paths = stringListField(messageField(request, 'updateMask'), 'paths');
    if (!version) throw new RpcError('INVALID_ARGUMENT', 'crypto_key_version is required');
    if (paths.length === 0) throw new RpcError('INVALID_ARGUMENT', 'update_mask is required');
    const other = paths.find((path) => path !== 'state');
    if (other !== undefined) throw new RpcError('UNIMPLEMENTED', `the emulator updates only the state of a version, not ${other}`);
    const state = enumField(version, 'state');
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      throw new RpcError('INVALID_ARGUMENT', `crypto_key_version.state can only be updated to ENABLED or DISABLED, got ${state ?? 'CRYPTO_KEY_VERSION_STATE_UNSPECIFIED'}.`);
    }
    return versionMessage(store.setState(requiredString(version, 'name'), state));
  },

  UpdateCryptoKeyPrimaryVersion(request, { store }) {
    return cryptoKeyMessage(store.setPrimary(requiredString(request, 'name'), requiredString(request, 'cryptoKeyVersionId')));
  },

  DestroyCryptoKeyVersion(request, { store }) {
    return versionMessage(store.destroy(requiredString(request, 'name')));
  },

  GetPublicKey(request, { store, damage }) {
    const version = store.version(requiredString(request, 'name'));
    const key = store.cryptoKey(version.cryptoKeyName);
    if (key.purpose !== 'ASYMMETRIC_DECRYPT') throw wrongPurpose(key, 'GetPublicKey');
    const material = usable(version);
    if (material.kind !== 'rsa') throw wrongPurpose(key, 'GetPublicKey');
    const pem = damage === 'data' ? alterPem(material.publicKeyPem) : material.publicKeyPem;
    const checksum = checksumOf(Buffer.from(material.publicKeyPem, 'utf8'));
    return {
      pem,
      algorithm: version.algorithm,
      pemCrc32c: { value: damage === 'checksum' ? offByOne(checksum) : checksum },
      name: damage === 'name' ? otherKeyName(version.name) : version.name,
      protectionLevel: 'SOFTWARE',
      publicKeyFormat: 'PEM',
    } satisfies PublicKeyMessage;
  },

  Encrypt(request, { store, damage }) {
    const name = requiredString(request, 'name');
    const plaintext = bytesField(request, 'plaintext', MAX_DATA_BYTES);
    const aad = bytesField(request, 'additionalAuthenticatedData', MAX_DATA_BYTES);
    if (plaintext.length === 0) throw new RpcError('INVALID_ARGUMENT', 'plaintext is required');
    const { key, version } = encryptingVersion(store, name);
    const material = usable(version);
    if (material.kind !== 'symmetric') throw wrongPurpose(key, 'Encrypt');
    const verifiedPlaintext = verifyChecksum(request, 'plaintext', 'plaintextCrc32c', plaintext);
    const verifiedAad = verifyChecksum(request, 'additionalAuthenticatedData', 'additionalAuthenticatedDataCrc32c', aad);

    const ciphertext = sealCiphertext(version.handle, material.secret, plaintext, aad);
    const checksum = checksumOf(ciphertext);
    return {
      name: damage === 'name' ? otherKeyName(version.name) : version.name,
      ciphertext: damage === 'data' ? flipBit(ciphertext) : ciphertext,
      ciphertextCrc32c: { value: damage === 'checksum' ? offByOne(checksum) : checksum },
      verifiedPlaintextCrc32c: damage === 'unverified' ? false : verifiedPlaintext,
      verifiedAdditionalAuthenticatedDataCrc32c: damage === 'unverified' ? false : verifiedAad,
      protectionLevel: 'SOFTWARE',
    } satisfies EncryptResponse;
  },

  Decrypt(request, { store, damage }) {
    const name = requiredString(request, 'name');
    const ciphertext = bytesField(request, 'ciphertext', MAX_CIPHERTEXT_BYTES);
    const aad = bytesField(request, 'additionalAuthenticatedData', MAX_DATA_BYTES);
    if (ciphertext.length === 0) throw new RpcError('INVALID_ARGUMENT', 'ciphertext is required');
    // Decrypt takes the key; the ciphertext says which of its versions made it.
    const key = store.cryptoKey(name);
    if (key.purpose !== 'ENCRYPT_DECRYPT') throw wrongPurpose(key, 'Decrypt');
    verifyChecksum(request, 'ciphertext', 'ciphertextCrc32c', ciphertext);
    verifyChecksum(request, 'additionalAuthenticatedData', 'additionalAuthenticatedDataCrc32c', aad);

    const handle = ciphertextHandle(ciphertext);
    const version = handle === undefined ? undefined : store.versionByHandle(handle);
    if (!version || version.cryptoKeyName !== key.name) throw decryptionFailed();
    const material = usable(version);
    if (material.kind !== 'symmetric') throw decryptionFailed();
    const plaintext = openCiphertext(ciphertext, material.secret, aad);
    if (!plaintext) throw decryptionFailed();
    const checksum = checksumOf(plaintext);
    return {
      plaintext: damage === 'data' ? flipBit(plaintext) : plaintext,
      plaintextCrc32c: { value: damage === 'checksum' ? offByOne(checksum) : checksum },
      usedPrimary: key.primary === version,
      protectionLevel: 'SOFTWARE',
    } satisfies DecryptResponse;
  },

  AsymmetricDecrypt(request, { store, damage }) {
    const version = store.version(requiredString(request, 'name'));
    const ciphertext = bytesField(request, 'ciphertext', MAX_CIPHERTEXT_BYTES);
    if (ciphertext.length === 0) throw new RpcError('INVALID_ARGUMENT', 'ciphertext is required');
    const key = store.cryptoKey(version.cryptoKeyName);
    if (key.purpose !== 'ASYMMETRIC_DECRYPT') throw wrongPurpose(key, 'AsymmetricDecrypt');
    const material = usable(version);
    if (material.kind !== 'rsa') throw wrongPurpose(key, 'AsymmetricDecrypt');
    const verified = verifyChecksum(request, 'ciphertext', 'ciphertextCrc32c', ciphertext);

    let plaintext: Buffer;
    try {
      // RSA_DECRYPT_OAEP_*_SHA256: OAEP with SHA-256 and MGF1-SHA-256, and no label.
      plaintext = privateDecrypt({ key: material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
    } catch {
      throw new RpcError('INVALID_ARGUMENT', 'Decryption failed.');
    }
    const checksum = checksumOf(plaintext);
    return {
      plaintext: damage === 'data' ? flipBit(plaintext) : plaintext,
      plaintextCrc32c: { value: damage === 'checksum' ? offByOne(checksum) : checksum },
      verifiedCiphertextCrc32c: damage === 'unverified' ? false : verified,
      protectionLevel: 'SOFTWARE',
    } satisfies AsymmetricDecryptResponse;
  },
};

export function isGcpKmsMethod(name: string): name is GcpKmsMethod {
  return Object.hasOwn(GCP_KMS_METHOD_PERMISSIONS, name);
}

/** Encrypt takes a key (its primary version is used) or one of its versions. */
function encryptingVersion(store: KeyStore, name: string): { key: CryptoKeyRecord; version: VersionRecord } {
  if (store.isVersionName(name)) {
    const version = store.version(name);
    const key = store.cryptoKey(version.cryptoKeyName);
    if (key.purpose !== 'ENCRYPT_DECRYPT') throw wrongPurpose(key, 'Encrypt');
    return { key, version };
  }
  const key = store.cryptoKey(name);
  if (key.purpose !== 'ENCRYPT_DECRYPT') throw wrongPurpose(key, 'Encrypt');
  if (!key.primary) throw new RpcError('FAILED_PRECONDITION', `${key.name} has no primary version.`);
  return { key, version: key.primary };
}

/** The material of a version that may be used now. */
function usable(version: VersionRecord): NonNullable<VersionRecord['material']> {
  if (version.state !== 'ENABLED' || !version.material) throw notEnabled(version);
  return version.material;
}

function newKeyAlgorithm(purpose: string | undefined, algorithm: string | undefined, protectionLevel: string | undefined): EmulatedAlgorithm {
  if (purpose === undefined) throw new RpcError('INVALID_ARGUMENT', 'crypto_key.purpose is required');
  if (purpose !== 'ENCRYPT_DECRYPT' && purpose !== 'ASYMMETRIC_DECRYPT') {
    throw new RpcError('UNIMPLEMENTED', `the emulator has no ${purpose} keys; use ENCRYPT_DECRYPT or ASYMMETRIC_DECRYPT`);
  }
  if (protectionLevel !== undefined && protectionLevel !== 'SOFTWARE') {
    throw new RpcError('UNIMPLEMENTED', `the emulator has only SOFTWARE keys, not ${protectionLevel}`);
  }
  const chosen = algorithm ?? (purpose === 'ENCRYPT_DECRYPT' ? 'GOOGLE_SYMMETRIC_ENCRYPTION' : undefined);
  if (chosen === undefined) throw new RpcError('INVALID_ARGUMENT', 'crypto_key.version_template.algorithm is required for ASYMMETRIC_DECRYPT keys');
  if (!isEmulatedAlgorithm(chosen)) {
    throw new RpcError('UNIMPLEMENTED', `the emulator does not implement ${chosen}; use one of ${Object.keys(EMULATED_ALGORITHMS).join(', ')}`);
  }
  if (EMULATED_ALGORITHMS[chosen].purpose !== purpose) {
    throw new RpcError('INVALID_ARGUMENT', `Algorithm ${chosen} is not compatible with purpose ${purpose}.`);
  }
  return chosen;
}

function cryptoKeyMessage(key: CryptoKeyRecord): CryptoKeyMessage {
  return {
    name: key.name,
    primary: key.primary ? versionMessage(key.primary) : null,
    purpose: key.purpose,
    createTime: timestamp(key.createTime),
    versionTemplate: { algorithm: key.algorithm, protectionLevel: 'SOFTWARE' },
    labels: { ...key.labels },
    destroyScheduledDuration: { seconds: DESTROY_SCHEDULED_SECONDS, nanos: 0 },
  };
}

function versionMessage(version: VersionRecord): VersionMessage {
  return {
    name: version.name,
    state: version.state,
    protectionLevel: 'SOFTWARE',
    algorithm: version.algorithm,
    createTime: timestamp(version.createTime),
    generateTime: timestamp(version.createTime),
    ...(version.destroyTime === undefined
      ? {}
      : { destroyTime: timestamp(version.destroyTime), destroyEventTime: timestamp(version.destroyTime) }),
  };
}

function timestamp(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

function stringMap(message: Message): Record<string, string> {
  return Object.fromEntries(Object.entries(message).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function wrongPurpose(key: CryptoKeyRecord, method: string): RpcError {
  return new RpcError('INVALID_ARGUMENT', `${key.name} has purpose ${key.purpose}, which does not support ${method}.`);
}

function decryptionFailed(): RpcError {
  return new RpcError('INVALID_ARGUMENT', "Decryption failed: verify that 'name' refers to the correct CryptoKey.");
}

// Fault helpers: each damages a copy, never the emulator's own state.

function offByOne(checksum: number): number {
  return (checksum + 1) >>> 0;
}

function flipBit(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0x01;
  return copy;
}

function alterPem(pem: string): string {
  // Change one base64 character of the body, so the PEM still parses but names another key.
  const index = pem.indexOf('\n') + 40;
  const replacement = pem[index] === 'A' ? 'B' : 'A';
  return `${pem.slice(0, index)}${replacement}${pem.slice(index + 1)}`;
}

function otherKeyName(versionName: string): string {
  return versionName.replace(/\/cryptoKeys\/([^/]+)\//, '/cryptoKeys/$1-other/');
}

