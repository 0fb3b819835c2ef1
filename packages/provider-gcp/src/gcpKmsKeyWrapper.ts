import { createPublicKey, type KeyObject } from 'node:crypto';
import { protos, type KeyManagementServiceClient } from '@google-cloud/kms';
import {
  encodeContext,
  type EncryptionContext,
  EnvelopeError,
  ErrorCode,
  type KeyWrapper,
  rsaOaepSha256Encrypt,
  type WrappedKey,
} from '@envelope-kit/core';
import { checksum, expectChecksum, expectVerified, integrityFailure } from './checksums.js';
import { kmsCallOptions, type KmsCallOptions } from './gcpKmsClientOptions.js';
import { gcpKmsError } from './gcpKmsErrors.js';
import { parseGcpKmsResourceName, type GcpKmsKeyName } from './gcpKmsKeyUri.js';

/** The provider id recorded in every wrapped key this provider makes. */
export const GCP_KMS_PROVIDER_ID = 'gcpkms';

/**
 * The asymmetric algorithms this provider wraps with, and their modulus sizes:
 * RSA-OAEP with SHA-256 (and MGF1-SHA-256), no label. The SHA-1 and SHA-512
 * variants are left out on purpose.
 */
export const GCP_KMS_RSA_ALGORITHMS: Readonly<Record<string, number>> = Object.freeze({
  RSA_DECRYPT_OAEP_2048_SHA256: 2048,
  RSA_DECRYPT_OAEP_3072_SHA256: 3072,
  RSA_DECRYPT_OAEP_4096_SHA256: 4096,
});

export type GcpKmsKeyKind = 'symmetric' | 'rsa';

/** What `resolve()` learned about the key (GetCryptoKey). */
export interface ResolvedGcpKmsKey {
  readonly cryptoKey: string;
  /** `ENCRYPT_DECRYPT` or `ASYMMETRIC_DECRYPT`. */
  readonly purpose: string;
  readonly kind: GcpKmsKeyKind;
}

export interface GcpKmsKeyWrapperOptions {
  /** Whether `close()` should close the client too. */
  readonly ownsClient?: boolean;
  /** Per-call options (retries, timeouts, emulator token). Default: `kmsCallOptions({})`. */
  readonly callOptions?: () => KmsCallOptions;
}

// Encrypt takes at most 64 KiB of plaintext.
const MAX_SYMMETRIC_PLAINTEXT_BYTES = 64 * 1024;

const { CryptoKeyPurpose } = protos.google.cloud.kms.v1.CryptoKey;
const { CryptoKeyVersionAlgorithm } = protos.google.cloud.kms.v1.CryptoKeyVersion;

/**
 * One Cloud KMS key as a KeyWrapper (URI format and options: `provider.ts`).
 *
 * Symmetric (ENCRYPT_DECRYPT) keys wrap with Encrypt and unwrap with Decrypt,
 * the envelope's context as additionalAuthenticatedData, so KMS itself refuses
 * another context. Wrapped keys record the crypto key name: Decrypt takes the
 * key, and the ciphertext says which version made it, so rotation needs nothing here.
 *
 * Asymmetric (ASYMMETRIC_DECRYPT, RSA_DECRYPT_OAEP_*_SHA256) keys are named
 * with a version; they wrap locally with its public key (GetPublicKey, once)
 * and unwrap with AsymmetricDecrypt. KMS takes no OAEP label, so the envelope
 * header alone binds the context. Wrapped keys record the version name.
 *
 * Every call sends CRC32C checksums and checks the ones that come back, and
 * that the answer is about the key asked for: a mismatch is INTEGRITY_FAILURE.
 */
export class GcpKmsKeyWrapper implements KeyWrapper {
  readonly providerId = GCP_KMS_PROVIDER_ID;
  /** The resource name as configured: the crypto key's, or one of its versions'. */
  readonly keyId: string;
  readonly #client: KeyManagementServiceClient;
  readonly #name: GcpKmsKeyName;
  readonly #ownsClient: boolean;
  readonly #callOptions: () => KmsCallOptions;
  #resolving: Promise<ResolvedGcpKmsKey> | undefined;
  // Asymmetric keys only, and only for wrapping: consumers need no viewPublicKey permission.
  #publicKey: Promise<KeyObject> | undefined;

  /**
   * @param client the Cloud KMS client to call.
   * @param keyName `projects/P/locations/L/keyRings/R/cryptoKeys/K`, optionally `/cryptoKeyVersions/V`.
   */
  constructor(client: KeyManagementServiceClient, keyName: string, options: GcpKmsKeyWrapperOptions = {}) {
    this.#name = parseGcpKmsResourceName(keyName);
    this.keyId = this.#name.resourceName;
    this.#client = client;
    this.#ownsClient = options.ownsClient ?? false;
    this.#callOptions = options.callOptions ?? kmsCallOptions({});
  }

  /**
   * Looks the key up once (GetCryptoKey, cloudkms.cryptoKeys.get) and caches
   * the answer; a failure is not cached. Wrapping calls it only for keys named
   * with a version, to learn whether to Encrypt or to wrap locally; call it at
   * startup to fail fast.
   */
  async resolve(): Promise<ResolvedGcpKmsKey> {
    return this.#resolve(ErrorCode.INVALID_KEY);
  }

  /**
   * Whether this key wrapped `wrapped`: the record names the same crypto key,
   * and, when both name a version, the same version. So a wrapper configured
   * on the key unwraps what any of its versions wrapped, and one configured on
   * a version unwraps what was recorded under its key (Decrypt takes the key
   * name and KMS finds the version); KMS has the last word either way.
   */
  matches(wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): boolean {
    if (wrapped.providerId !== this.providerId) return false;
    const recorded = tryParse(wrapped.keyId);
    if (!recorded || recorded.cryptoKey !== this.#name.cryptoKey) return false;
    return recorded.version === undefined || this.#name.version === undefined || recorded.version === this.#name.version;
  }

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedKey> {
    checkDataKey(dataKey);
    const aad = encodeContext(context);
    if (this.#name.version !== undefined && (await this.#resolve(ErrorCode.WRAP_FAILED)).kind === 'rsa') {
      return this.#wrapLocally(await this.#rsaPublicKey(), dataKey);
    }
    if (dataKey.length > MAX_SYMMETRIC_PLAINTEXT_BYTES) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `Cloud KMS Encrypt takes at most ${MAX_SYMMETRIC_PLAINTEXT_BYTES} bytes; the data key is ${dataKey.length}`);
    }
    const response = await this.#call('Encrypt', ErrorCode.WRAP_FAILED, () =>
      this.#client.encrypt(
        {
          name: this.#name.resourceName,
          plaintext: dataKey,
          additionalAuthenticatedData: aad,
          plaintextCrc32c: checksum(dataKey),
          additionalAuthenticatedDataCrc32c: checksum(aad),
        },
        this.#callOptions(),
      ),
    );
    expectVerified(response.verifiedPlaintextCrc32c, 'plaintext');
    expectVerified(response.verifiedAdditionalAuthenticatedDataCrc32c, 'additional authenticated data');
    this.#expectOwnVersion(response.name, 'Encrypt');
    const ciphertext = responseBytes(response.ciphertext);
    if (ciphertext.length === 0) throw new EnvelopeError(ErrorCode.WRAP_FAILED, `Cloud KMS Encrypt with ${this.keyId} returned no ciphertext`);
    expectChecksum(ciphertext, response.ciphertextCrc32c, 'ciphertext');
    return { providerId: this.providerId, keyId: this.#name.cryptoKey, ciphertext };
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    if (!(wrapped.ciphertext instanceof Uint8Array) || wrapped.ciphertext.length === 0) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, 'the wrapped data key is empty');
    }
    // Another key's record: say which, without a pointless KMS call.
    const recorded = this.matches(wrapped) ? tryParse(wrapped.keyId) : undefined;
    if (!recorded) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, not by ${this.providerId}:${this.keyId}`);
    }
    const ciphertext = wrapped.ciphertext;
    // The record's form says how it was wrapped: a key name by Encrypt, a version name locally with RSA.
    if (recorded.version !== undefined) return this.#asymmetricDecrypt(recorded.resourceName, ciphertext);

    const aad = encodeContext(context);
    const response = await this.#call('Decrypt', ErrorCode.UNWRAP_FAILED, () =>
      this.#client.decrypt(
        {
          name: this.#name.cryptoKey,
          ciphertext,
          additionalAuthenticatedData: aad,
          ciphertextCrc32c: checksum(ciphertext),
          additionalAuthenticatedDataCrc32c: checksum(aad),
        },
        this.#callOptions(),
      ),
    );
    return checkedPlaintext(response.plaintext, response.plaintextCrc32c);
  }

  /** Releases the client's channel, when this wrapper created the client. */
  async close(): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }

  async #asymmetricDecrypt(version: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    const response = await this.#call('AsymmetricDecrypt', ErrorCode.UNWRAP_FAILED, () =>
      this.#client.asymmetricDecrypt({ name: version, ciphertext, ciphertextCrc32c: checksum(ciphertext) }, this.#callOptions()),
    );
    expectVerified(response.verifiedCiphertextCrc32c, 'ciphertext');
    return checkedPlaintext(response.plaintext, response.plaintextCrc32c);
  }

  #wrapLocally(publicKey: KeyObject, dataKey: Uint8Array): WrappedKey {
    return { providerId: this.providerId, keyId: this.keyId, ciphertext: rsaOaepSha256Encrypt(publicKey, dataKey, this.keyId) };
  }

  #resolve(fallback: ErrorCode): Promise<ResolvedGcpKmsKey> {
    // One lookup at a time; a failed one is forgotten so the next call retries.
    this.#resolving ??= this.#lookUp(fallback).catch((error: unknown) => {
      this.#resolving = undefined;
      throw error;
    });
    return this.#resolving;
  }

  async #lookUp(fallback: ErrorCode): Promise<ResolvedGcpKmsKey> {
    const cryptoKey = this.#name.cryptoKey;
    const response = await this.#call('GetCryptoKey', fallback, () => this.#client.getCryptoKey({ name: cryptoKey }, this.#callOptions()));
    if (response.name !== cryptoKey) throw integrityFailure(`Cloud KMS GetCryptoKey for ${cryptoKey} answered for ${response.name ?? 'no key'}`);
    const purpose = enumName(response.purpose, CryptoKeyPurpose) ?? 'CRYPTO_KEY_PURPOSE_UNSPECIFIED';
    if (purpose === 'ENCRYPT_DECRYPT') return { cryptoKey, purpose, kind: 'symmetric' };
    if (purpose !== 'ASYMMETRIC_DECRYPT') {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `${cryptoKey} has purpose ${purpose}; envelope keys must be ENCRYPT_DECRYPT or ASYMMETRIC_DECRYPT`);
    }
    if (this.#name.version === undefined) {
      throw new EnvelopeError(
        ErrorCode.INVALID_ARGUMENT,
        `${cryptoKey} is an ASYMMETRIC_DECRYPT key, which has no primary version: name one, gcpkms://${cryptoKey}/cryptoKeyVersions/N`,
      );
    }
    return { cryptoKey, purpose, kind: 'rsa' };
  }

  #rsaPublicKey(): Promise<KeyObject> {
    this.#publicKey ??= this.#fetchPublicKey().catch((error: unknown) => {
      this.#publicKey = undefined;
      throw error;
    });
    return this.#publicKey;
  }

  async #fetchPublicKey(): Promise<KeyObject> {
    const version = this.#name.resourceName;
    const response = await this.#call('GetPublicKey', ErrorCode.WRAP_FAILED, () => this.#client.getPublicKey({ name: version }, this.#callOptions()));
    if (response.name !== version) throw integrityFailure(`Cloud KMS GetPublicKey for ${version} answered for ${response.name ?? 'no key'}`);
    const pem = typeof response.pem === 'string' ? response.pem : '';
    expectChecksum(Buffer.from(pem, 'utf8'), response.pemCrc32c, 'public key');
    const algorithm = enumName(response.algorithm, CryptoKeyVersionAlgorithm) ?? 'CRYPTO_KEY_VERSION_ALGORITHM_UNSPECIFIED';
    const bits = Object.hasOwn(GCP_KMS_RSA_ALGORITHMS, algorithm) ? GCP_KMS_RSA_ALGORITHMS[algorithm] : undefined;
    if (bits === undefined) {
      throw new EnvelopeError(
        ErrorCode.INVALID_KEY,
        `${version} has algorithm ${algorithm}; asymmetric envelope keys must be one of ${Object.keys(GCP_KMS_RSA_ALGORITHMS).join(', ')}`,
      );
    }
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(pem);
    } catch (cause) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `Cloud KMS returned an unreadable public key for ${version}`, { cause });
    }
    if (publicKey.asymmetricKeyType !== 'rsa' || publicKey.asymmetricKeyDetails?.modulusLength !== bits) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `the public key of ${version} is not the ${bits}-bit RSA key its algorithm ${algorithm} says`);
    }
    return publicKey;
  }

  /** The version Encrypt used must be this key's (and the configured version, if one was named). */
  #expectOwnVersion(name: string | null | undefined, method: string): void {
    const used = typeof name === 'string' ? tryParse(name) : undefined;
    const expected = this.#name.version === undefined ? used?.cryptoKey === this.#name.cryptoKey && used.version !== undefined : name === this.#name.resourceName;
    if (!expected) throw integrityFailure(`Cloud KMS ${method} with ${this.keyId} answered for ${name || 'no key'}`);
  }

  async #call<T>(method: string, fallback: ErrorCode, send: () => Promise<readonly [T, ...unknown[]]>): Promise<T> {
    try {
      const [response] = await send();
      return response;
    } catch (error) {
      throw gcpKmsError(error, method, this.keyId, fallback);
    }
  }
}

/** The plaintext of a decrypt response, once its checksum matches; zeroed otherwise. */
function checkedPlaintext(value: Uint8Array | string | null | undefined, returned: { value?: unknown } | null | undefined): Uint8Array {
  const plaintext = responseBytes(value);
  try {
    expectChecksum(plaintext, returned, 'data key');
  } catch (error) {
    plaintext.fill(0);
    throw error;
  }
  if (plaintext.length === 0) throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, 'Cloud KMS returned an empty data key');
  return plaintext;
}

function checkDataKey(dataKey: Uint8Array): void {
  if (!(dataKey instanceof Uint8Array) || dataKey.length === 0) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the data key must be a non-empty Uint8Array');
  }
}

/** A bytes field of a response: a Buffer over gRPC, base64 text in the client's REST fallback. */
function responseBytes(value: Uint8Array | string | null | undefined): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length);
  return Buffer.alloc(0);
}

/** An enum field as its name: the client decodes enums as strings, but its types also allow numbers. */
function enumName(value: unknown, names: Readonly<Record<number, string>>): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return names[value];
  return undefined;
}

function tryParse(name: string): GcpKmsKeyName | undefined {
  try {
    return parseGcpKmsResourceName(name);
  } catch {
    return undefined;
  }
}
