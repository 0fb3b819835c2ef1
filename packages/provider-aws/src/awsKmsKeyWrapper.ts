import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  EncryptionAlgorithmSpec,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  type DecryptCommandInput,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import {
  type EncryptionContext,
  EnvelopeError,
  ErrorCode,
  type GeneratedDataKey,
  type KeyWrapper,
  rsaOaepSha256Encrypt,
  type WrappedKey,
} from '@envelope-kit/core';
import { parseKmsKeyIdentifier, type KmsKeyIdentifier } from './awsKmsKeyUri.js';
import { kmsError } from './kmsErrors.js';

/** The provider id recorded in every wrapped key this provider makes. */
export const AWS_KMS_PROVIDER_ID = 'awskms';

/** The only asymmetric algorithm used: KMS's RSA-OAEP with SHA-256 (and MGF1-SHA-256), no label. */
export const AWS_KMS_RSA_ALGORITHM = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256;

export type AwsKmsKeyKind = 'symmetric' | 'rsa';

/** What `resolve()` learned about the key. */
export interface ResolvedAwsKmsKey {
  /** The key ARN: the key id recorded in wrapped keys. */
  readonly arn: string;
  readonly kind: AwsKmsKeyKind;
  /** `SYMMETRIC_DEFAULT`, `RSA_2048`, `RSA_3072` or `RSA_4096`. */
  readonly keySpec: string;
}


// KMS bounds: Encrypt takes at most 4096 bytes, GenerateDataKey makes at most 1024.
const MAX_SYMMETRIC_PLAINTEXT_BYTES = 4096;
const MAX_GENERATED_BYTES = 1024;

/**
 * One AWS KMS key as a KeyWrapper (URI format and options: `provider.ts`).
 *
 * Symmetric keys wrap with KMS Encrypt and unwrap with Decrypt, passing the
 * envelope's context as EncryptionContext, so KMS itself refuses another
 * context; GenerateDataKey is the native data-key generator.
 *
 * RSA keys (RSAES_OAEP_SHA_256) wrap locally with the public key, fetched
 * once, and unwrap with KMS Decrypt. KMS supports no OAEP label, so the context
 * is bound by the envelope header only.
 *
 * Wrapped keys record the key ARN, whatever identifier the wrapper was given;
 * `matches` compares against the ARN once `resolve()` (DescribeKey, cached) has run.
 */
export class AwsKmsKeyWrapper implements KeyWrapper {
  readonly providerId = AWS_KMS_PROVIDER_ID;
  /** The identifier as configured: key ARN, alias ARN, `alias/name` or key id. */
  readonly keyId: string;
  readonly #client: KMSClient;
  readonly #identifier: KmsKeyIdentifier;
  readonly #ownsClient: boolean;
  #known: ResolvedAwsKmsKey | undefined;
  #resolving: Promise<ResolvedAwsKmsKey> | undefined;
  // RSA keys only, and only for wrapping: consumers need no kms:GetPublicKey.
  #publicKey: KeyObject | undefined;
  #fetchingPublicKey: Promise<KeyObject> | undefined;

  /**
   * @param client the KMS client to call; its region must be the key's.
   * @param keyId a key ARN, alias ARN, `alias/name` or key id.
   * @param options.ownsClient whether `close()` should destroy the client too.
   */
  constructor(client: KMSClient, keyId: string, options: { readonly ownsClient?: boolean } = {}) {
    this.#identifier = parseKmsKeyIdentifier(keyId);
    this.keyId = this.#identifier.keyId;
    this.#client = client;
    this.#ownsClient = options.ownsClient ?? false;
  }

  /** The key ARN once known: from the configured ARN, or after `resolve()`. */
  get keyArn(): string | undefined {
    return this.#known?.arn ?? (this.#identifier.form === 'key-arn' ? this.#identifier.keyId : undefined);
  }

  /**
   * Looks the key up once (DescribeKey) and caches the answer; a failure is
   * not cached, so a later call retries. RSA public keys are fetched on the first wrap.
   * Wrapping and unwrapping call it themselves; call it at startup to fail fast.
   */
  async resolve(): Promise<ResolvedAwsKmsKey> {
    return this.#key('DescribeKey', ErrorCode.INVALID_KEY);
  }

  /**
   * Whether this key wrapped `wrapped`. Wrapped keys record the key ARN; before
   * the ARN is known (a wrapper configured by alias, not yet resolved) an alias
   * may point anywhere, so the answer is yes and `unwrap` checks after resolving.
   */
  matches(wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): boolean {
    if (wrapped.providerId !== this.providerId) return false;
    const arn = this.keyArn;
    if (arn !== undefined) return wrapped.keyId === arn;
    const recorded = tryParse(wrapped.keyId);
    if (recorded?.form !== 'key-arn') return false;
    if (this.#identifier.form === 'key-id') return recorded.keyId.endsWith(`:key/${this.#identifier.keyId}`);
    if (this.#identifier.form === 'alias-arn') {
      return recorded.region === this.#identifier.region && recorded.accountId === this.#identifier.accountId;
    }
    return true;
  }

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedKey> {
    checkDataKey(dataKey);
    const key = await this.#key('wrap', ErrorCode.WRAP_FAILED);
    if (key.kind === 'rsa') return this.#wrapLocally(key, await this.#rsaPublicKey(key, 'wrap'), dataKey);

    if (dataKey.length > MAX_SYMMETRIC_PLAINTEXT_BYTES) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `KMS Encrypt takes at most ${MAX_SYMMETRIC_PLAINTEXT_BYTES} bytes; the data key is ${dataKey.length}`);
    }
    const response = await this.#send('Encrypt', ErrorCode.WRAP_FAILED, () =>
      this.#client.send(new EncryptCommand({ KeyId: key.arn, Plaintext: dataKey, ...kmsContext(context) })),
    );
    if (!response.CiphertextBlob || response.CiphertextBlob.length === 0) {
      throw new EnvelopeError(ErrorCode.WRAP_FAILED, `AWS KMS Encrypt with key ${key.arn} returned no ciphertext`);
    }
    return { providerId: this.providerId, keyId: key.arn, ciphertext: response.CiphertextBlob };
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    if (!(wrapped.ciphertext instanceof Uint8Array) || wrapped.ciphertext.length === 0) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, 'the wrapped data key is empty');
    }
    const key = await this.#key('unwrap', ErrorCode.UNWRAP_FAILED);
    // Different ids mean a different key: say which, without a pointless KMS call.
    if (wrapped.providerId !== this.providerId || wrapped.keyId !== key.arn) {
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, not by ${this.providerId}:${key.arn}`,
      );
    }
    // Decrypt names the key, so KMS refuses a ciphertext of any other key (IncorrectKeyException).
    const request: DecryptCommandInput =
      key.kind === 'rsa'
        ? { KeyId: key.arn, CiphertextBlob: wrapped.ciphertext, EncryptionAlgorithm: AWS_KMS_RSA_ALGORITHM }
        : { KeyId: key.arn, CiphertextBlob: wrapped.ciphertext, ...kmsContext(context) };
    const response = await this.#send('Decrypt', ErrorCode.UNWRAP_FAILED, () => this.#client.send(new DecryptCommand(request)));
    if (!response.Plaintext || (response.KeyId !== undefined && response.KeyId !== key.arn)) {
      response.Plaintext?.fill(0);
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `AWS KMS Decrypt with key ${key.arn} answered for ${response.KeyId ?? 'no key'}`);
    }
    return response.Plaintext;
  }

  /**
   * KMS ReEncrypt: moves a data key that another AWS KMS key of this region
   * wrapped under this key, inside KMS, so the data key never leaves it (for
   * `rewrap`, issue: replacing a key). Needs kms:ReEncryptFrom on the source
   * key and kms:ReEncryptTo on this one; callers fall back to `wrap` when it fails.
   */
  async rewrap(wrapped: WrappedKey, context: EncryptionContext): Promise<WrappedKey> {
    if (wrapped.providerId !== this.providerId) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `AWS KMS cannot re-encrypt a ${wrapped.providerId} wrapped key`);
    }
    const key = await this.#key('re-encrypt', ErrorCode.WRAP_FAILED);
    // The source's kind decides how KMS must open it; ask once, with the ARN the envelope recorded.
    const source = await this.#send('DescribeKey', ErrorCode.WRAP_FAILED, () =>
      this.#client.send(new DescribeKeyCommand({ KeyId: wrapped.keyId })),
    );
    const sourceKey = describeUsableKey(wrapped.keyId, source.KeyMetadata);
    const response = await this.#send('ReEncrypt', ErrorCode.WRAP_FAILED, () =>
      this.#client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped.ciphertext,
          SourceKeyId: sourceKey.arn,
          DestinationKeyId: key.arn,
          ...(sourceKey.kind === 'rsa' ? { SourceEncryptionAlgorithm: AWS_KMS_RSA_ALGORITHM } : { SourceEncryptionContext: kmsContext(context).EncryptionContext }),
          ...(key.kind === 'rsa'
            ? { DestinationEncryptionAlgorithm: AWS_KMS_RSA_ALGORITHM }
            : { DestinationEncryptionContext: kmsContext(context).EncryptionContext }),
        }),
      ),
    );
    if (!response.CiphertextBlob || response.CiphertextBlob.length === 0 || (response.KeyId !== undefined && response.KeyId !== key.arn)) {
      throw new EnvelopeError(ErrorCode.WRAP_FAILED, `AWS KMS ReEncrypt to ${key.arn} returned no ciphertext for that key`);
    }
    return { providerId: this.providerId, keyId: key.arn, ciphertext: response.CiphertextBlob };
  }

  /** KMS GenerateDataKey for symmetric keys; RSA keys have none, so a local random key, wrapped. */
  async generateDataKey(length: number, context: EncryptionContext): Promise<GeneratedDataKey> {
    if (!Number.isInteger(length) || length < 1 || length > MAX_GENERATED_BYTES) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `data keys are 1 to ${MAX_GENERATED_BYTES} bytes, got ${length}`);
    }
    const key = await this.#key('generate a data key', ErrorCode.WRAP_FAILED);
    if (key.kind === 'rsa') {
      const publicKey = await this.#rsaPublicKey(key, 'generate a data key');
      const dataKey = randomBytes(length);
      try {
        return { dataKey, wrapped: this.#wrapLocally(key, publicKey, dataKey) };
      } catch (error) {
        dataKey.fill(0);
        throw error;
      }
    }
    const response = await this.#send('GenerateDataKey', ErrorCode.WRAP_FAILED, () =>
      this.#client.send(new GenerateDataKeyCommand({ KeyId: key.arn, NumberOfBytes: length, ...kmsContext(context) })),
    );
    if (!response.Plaintext || !response.CiphertextBlob || response.CiphertextBlob.length === 0) {
      response.Plaintext?.fill(0);
      throw new EnvelopeError(ErrorCode.WRAP_FAILED, `AWS KMS GenerateDataKey with key ${key.arn} returned no data key`);
    }
    return { dataKey: response.Plaintext, wrapped: { providerId: this.providerId, keyId: key.arn, ciphertext: response.CiphertextBlob } };
  }

  /** Releases the client's sockets, when this wrapper created the client (KeyWrapper.close). */
  close(): void {
    if (this.#ownsClient) this.#client.destroy();
  }

  /** KMS's RSAES_OAEP_SHA_256 is standard OAEP with SHA-256 and no label: done locally with the public key. */
  #wrapLocally(key: ResolvedAwsKmsKey, publicKey: KeyObject, dataKey: Uint8Array): WrappedKey {
    return { providerId: this.providerId, keyId: key.arn, ciphertext: rsaOaepSha256Encrypt(publicKey, dataKey, key.arn) };
  }

  /** The key's facts, looked up once; `fallback` classifies failures nothing else explains. */
  async #key(action: string, fallback: ErrorCode): Promise<ResolvedAwsKmsKey> {
    if (this.#known) return this.#known;
    this.#resolving ??= this.#describe().finally(() => {
      this.#resolving = undefined;
    });
    try {
      this.#known = await this.#resolving;
      return this.#known;
    } catch (error) {
      throw kmsError(error, `DescribeKey (to ${action})`, this.keyId, fallback);
    }
  }

  async #describe(): Promise<ResolvedAwsKmsKey> {
    // A client for another region would answer NotFoundException: say what is actually wrong.
    const expectedRegion = this.#identifier.region;
    if (expectedRegion !== undefined) {
      const clientRegion = await this.#client.config.region();
      if (clientRegion !== expectedRegion) {
        throw new EnvelopeError(
          ErrorCode.INVALID_ARGUMENT,
          `key ${this.keyId} is in ${expectedRegion}, but the KMS client is configured for ${clientRegion}`,
        );
      }
    }
    const { KeyMetadata: metadata } = await this.#client.send(new DescribeKeyCommand({ KeyId: this.keyId }));
    return describeUsableKey(this.keyId, metadata);
  }

  /** The RSA public key, fetched once (GetPublicKey); from then on wrapping needs no KMS call. */
  async #rsaPublicKey(key: ResolvedAwsKmsKey, action: string): Promise<KeyObject> {
    if (this.#publicKey) return this.#publicKey;
    this.#fetchingPublicKey ??= this.#fetchPublicKey(key.arn).finally(() => {
      this.#fetchingPublicKey = undefined;
    });
    try {
      this.#publicKey = await this.#fetchingPublicKey;
      return this.#publicKey;
    } catch (error) {
      throw kmsError(error, `GetPublicKey (to ${action})`, key.arn, ErrorCode.WRAP_FAILED);
    }
  }

  async #fetchPublicKey(arn: string): Promise<KeyObject> {
    const { PublicKey: der } = await this.#client.send(new GetPublicKeyCommand({ KeyId: arn }));
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: Buffer.from(der ?? []), format: 'der', type: 'spki' });
    } catch (cause) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `AWS KMS GetPublicKey for ${arn} returned no usable public key`, { cause });
    }
    if (publicKey.asymmetricKeyType !== 'rsa') {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `the public key of ${arn} is ${publicKey.asymmetricKeyType ?? 'unknown'}, not RSA`);
    }
    return publicKey;
  }

  async #send<T>(operation: string, fallback: ErrorCode, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw kmsError(error, operation, this.keyArn ?? this.keyId, fallback);
    }
  }
}

/** The ARN and kind of a key that can wrap data keys, or INVALID_KEY saying why not. */
function describeUsableKey(keyId: string, metadata: KeyMetadata | undefined): ResolvedAwsKmsKey {
  if (!metadata?.Arn) throw new EnvelopeError(ErrorCode.INVALID_KEY, `AWS KMS DescribeKey for ${keyId} returned no key ARN`);
  const keySpec = metadata.KeySpec ?? metadata.CustomerMasterKeySpec ?? 'unknown';
  if (metadata.KeyUsage !== 'ENCRYPT_DECRYPT') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${metadata.Arn} has key usage ${metadata.KeyUsage ?? 'unknown'}; wrapping needs ENCRYPT_DECRYPT`);
  }
  if (keySpec === 'SYMMETRIC_DEFAULT') return { arn: metadata.Arn, kind: 'symmetric', keySpec };
  if (keySpec.startsWith('RSA_') && (metadata.EncryptionAlgorithms ?? []).includes(AWS_KMS_RSA_ALGORITHM)) {
    return { arn: metadata.Arn, kind: 'rsa', keySpec };
  }
  throw new EnvelopeError(
    ErrorCode.INVALID_KEY,
    `${metadata.Arn} has key spec ${keySpec}; wrapping needs SYMMETRIC_DEFAULT or an RSA key with ${AWS_KMS_RSA_ALGORITHM}`,
  );
}

/** The context as KMS's EncryptionContext; none at all when empty, as KMS treats both alike. */
function kmsContext(context: EncryptionContext): { EncryptionContext?: Record<string, string> } {
  const pairs = Object.entries(context);
  return pairs.length === 0 ? {} : { EncryptionContext: Object.fromEntries(pairs) };
}

function checkDataKey(dataKey: Uint8Array): void {
  if (!(dataKey instanceof Uint8Array) || dataKey.length === 0) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the data key to wrap must be a non-empty Uint8Array');
  }
}

function tryParse(identifier: string): KmsKeyIdentifier | undefined {
  try {
    return parseKmsKeyIdentifier(identifier);
  } catch {
    return undefined;
  }
}
