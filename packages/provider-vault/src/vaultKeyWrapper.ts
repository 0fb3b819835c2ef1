import { randomBytes } from 'node:crypto';
import {
  encodeContext,
  EnvelopeError,
  ErrorCode,
  type EncryptionContext,
  type GeneratedDataKey,
  type KeyWrapper,
  type WrappedKey,
} from '@envelope-kit/core';
import { TRANSIT_CIPHERTEXT, type TransitBinding, type TransitClient } from './transitClient.js';
import { vaultError } from './vaultErrors.js';
import { vaultKeyId, type VaultContextBinding, type VaultKeyUri } from './vaultKeyUri.js';

/** The provider id recorded in every wrapped key this provider makes. */
export const VAULT_PROVIDER_ID = 'vault';

/** What `resolve()` learned about the key. */
export interface ResolvedVaultKey {
  readonly binding: VaultContextBinding;
  /** Vault's key type (`aes256-gcm96`, `rsa-2048`...); undefined when the binding was configured and the key never read. */
  readonly type: string | undefined;
}

// Key types Vault accepts associated_data for (keysutil's AssociatedDataSupported).
const AEAD_KEY_TYPES = new Set(['aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305']);
const RSA_KEY_TYPES = new Set(['rsa-2048', 'rsa-3072', 'rsa-4096']);
// The sizes Transit's datakey endpoint makes (bits 128, 256, 512).
const NATIVE_DATA_KEY_BYTES = new Set([16, 32, 64]);
const MAX_DATA_KEY_BYTES = 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One Vault Transit key as a KeyWrapper (URI format and options: `provider.ts`).
 *
 * Wraps with transit/encrypt (the data key as base64 plaintext) and unwraps
 * with transit/decrypt; the wrapped key is Vault's `vault:vN:...` ciphertext,
 * so it names the key version, and survives rotation until
 * min_decryption_version passes it. The envelope's context (its canonical
 * encoding) goes to Vault as the derivation `context` for derived keys and as
 * `associated_data` for other AES-GCM/ChaCha20 keys, so Vault refuses another
 * context; RSA keys take neither, and the envelope header alone binds it.
 *
 * Data keys come from transit/datakey/plaintext where Vault can bind the
 * context to them (derived keys) or there is nothing to bind (RSA); datakey
 * takes no associated_data, so AEAD keys wrap a local random key instead.
 * `rewrap` moves a wrapped key to the newest version through transit/rewrap,
 * or decrypt + encrypt for associated_data keys, which rewrap cannot take.
 */
export class VaultTransitKeyWrapper implements KeyWrapper {
  readonly providerId = VAULT_PROVIDER_ID;
  /** `[NAMESPACE/]MOUNT/keys/NAME`: the key's absolute path in Vault. */
  readonly keyId: string;
  readonly mount: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly #client: TransitClient;
  #known: ResolvedVaultKey | undefined;
  #resolving: Promise<ResolvedVaultKey> | undefined;

  constructor(client: TransitClient, key: VaultKeyUri) {
    this.#client = client;
    this.mount = key.mount;
    this.name = key.name;
    this.namespace = key.namespace;
    this.keyId = vaultKeyId(key);
    if (key.binding !== undefined) this.#known = { binding: key.binding, type: undefined };
  }

  /**
   * How the context is bound: as configured (`?binding=`), else from the key's
   * type, read once (GET MOUNT/keys/NAME) and cached; a failure is not cached,
   * so a later call retries. Wrapping and unwrapping call it themselves; call
   * it at startup to fail fast.
   */
  async resolve(): Promise<ResolvedVaultKey> {
    return this.#key('read key', ErrorCode.INVALID_KEY);
  }

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedKey> {
    checkDataKey(dataKey);
    const { binding } = await this.#key('wrap', ErrorCode.WRAP_FAILED);
    const { ciphertext } = await this.#send('encrypt', ErrorCode.WRAP_FAILED, () =>
      this.#client.encrypt(this.mount, this.name, dataKey, bindingFor(binding, context)),
    );
    return this.#wrapped(ciphertext);
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    const ciphertext = this.#ciphertextOf(wrapped);
    const { binding } = await this.#key('unwrap', ErrorCode.UNWRAP_FAILED);
    return this.#send('decrypt', ErrorCode.UNWRAP_FAILED, () => this.#client.decrypt(this.mount, this.name, ciphertext, bindingFor(binding, context)));
  }

  /** transit/datakey/plaintext where it can bind the context (see the class comment); else a local random key, wrapped. */
  async generateDataKey(length: number, context: EncryptionContext): Promise<GeneratedDataKey> {
    if (!Number.isInteger(length) || length < 1 || length > MAX_DATA_KEY_BYTES) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `data keys are 1 to ${MAX_DATA_KEY_BYTES} bytes, got ${length}`);
    }
    const { binding } = await this.#key('generate a data key', ErrorCode.WRAP_FAILED);
    if (binding !== 'associated_data' && NATIVE_DATA_KEY_BYTES.has(length)) {
      const bits = (length * 8) as 128 | 256 | 512;
      const { plaintext, ciphertext } = await this.#send('datakey', ErrorCode.WRAP_FAILED, () =>
        this.#client.dataKey(this.mount, this.name, bits, binding === 'context' ? { context: encodedContext(context) } : {}),
      );
      return { dataKey: plaintext, wrapped: this.#wrapped(ciphertext) };
    }
    const dataKey = randomBytes(length);
    try {
      return { dataKey, wrapped: await this.wrap(dataKey, context) };
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
  }

  /**
   * The same data key wrapped under the key's newest version (for rotation:
   * after it, min_decryption_version can pass the old version). Through
   * transit/rewrap, which never shows the data key to this process; for
   * associated_data keys through decrypt + encrypt, because Vault's rewrap
   * takes no associated_data (hashicorp/vault#29532).
   */
  async rewrap(wrapped: WrappedKey, context: EncryptionContext): Promise<WrappedKey> {
    const ciphertext = this.#ciphertextOf(wrapped);
    const { binding } = await this.#key('rewrap', ErrorCode.UNWRAP_FAILED);
    if (binding === 'associated_data') {
      const dataKey = await this.unwrap(wrapped, context);
      try {
        return await this.wrap(dataKey, context);
      } finally {
        dataKey.fill(0);
      }
    }
    const rewrapped = await this.#send('rewrap', ErrorCode.UNWRAP_FAILED, () =>
      this.#client.rewrap(this.mount, this.name, ciphertext, binding === 'context' ? { context: encodedContext(context) } : {}),
    );
    return this.#wrapped(rewrapped.ciphertext);
  }

  #wrapped(ciphertext: string): WrappedKey {
    return { providerId: this.providerId, keyId: this.keyId, ciphertext: Buffer.from(ciphertext, 'latin1') };
  }

  /** The `vault:vN:` text of a wrapped key of this key, checked before any call to Vault. */
  #ciphertextOf(wrapped: WrappedKey): string {
    if (wrapped.providerId !== this.providerId || wrapped.keyId !== this.keyId) {
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, not by ${this.providerId}:${this.keyId}`,
      );
    }
    if (!(wrapped.ciphertext instanceof Uint8Array) || wrapped.ciphertext.length === 0) {
      throw new EnvelopeError(ErrorCode.MALFORMED, 'the wrapped data key is empty');
    }
    const text = Buffer.from(wrapped.ciphertext).toString('latin1');
    const match = TRANSIT_CIPHERTEXT.exec(text);
    if (!match || !BASE64.test(match[2]!)) {
      throw new EnvelopeError(ErrorCode.MALFORMED, `the wrapped data key is not a Vault Transit ciphertext (vault:vN:<base64>) of key ${this.keyId}`);
    }
    return text;
  }

  async #key(operation: string, fallback: ErrorCode): Promise<ResolvedVaultKey> {
    if (this.#known) return this.#known;
    this.#resolving ??= this.#readKey(operation, fallback).finally(() => {
      this.#resolving = undefined;
    });
    return this.#resolving;
  }

  async #readKey(operation: string, fallback: ErrorCode): Promise<ResolvedVaultKey> {
    const { type, derived, supportsEncryption } = await this.#client.readKey(this.mount, this.name).catch((error: unknown) => {
      const failure = vaultError(error, `${operation}: read key`, this.keyId, fallback);
      if (failure.code !== ErrorCode.PERMISSION_DENIED) throw failure;
      // Consumers often hold encrypt/decrypt capabilities only; the binding can be declared instead.
      throw new EnvelopeError(failure.code, `${failure.message}; or declare ?binding= in the key URI, which needs no read`, { cause: failure.cause });
    });
    let binding: VaultContextBinding;
    if (derived) binding = 'context';
    else if (AEAD_KEY_TYPES.has(type)) binding = 'associated_data';
    else if (RSA_KEY_TYPES.has(type)) binding = 'none';
    else throw new EnvelopeError(ErrorCode.INVALID_KEY, `Vault key ${this.keyId} is of type ${type}, which cannot encrypt data keys`);
    if (!supportsEncryption) throw new EnvelopeError(ErrorCode.INVALID_KEY, `Vault key ${this.keyId} (${type}) does not support encryption`);
    this.#known = { binding, type };
    return this.#known;
  }

  async #send<T>(operation: string, fallback: ErrorCode, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw vaultError(error, operation, this.keyId, fallback);
    }
  }
}

/** The key version a wrapped key is under, from its `vault:vN:` prefix. */
export function vaultKeyVersion(wrapped: Pick<WrappedKey, 'ciphertext'>): number {
  const match = TRANSIT_CIPHERTEXT.exec(Buffer.from(wrapped.ciphertext).toString('latin1'));
  if (!match) throw new EnvelopeError(ErrorCode.MALFORMED, 'the wrapped data key is not a Vault Transit ciphertext (vault:vN:<base64>)');
  return Number(match[1]);
}

function bindingFor(binding: VaultContextBinding, context: EncryptionContext): TransitBinding {
  if (binding === 'none') return {};
  return binding === 'context' ? { context: encodedContext(context) } : { associated_data: encodedContext(context) };
}

/** The canonical context bytes, base64: never empty (an empty context is two zero bytes), as Vault requires. */
function encodedContext(context: EncryptionContext): string {
  return encodeContext(context).toString('base64');
}

function checkDataKey(dataKey: Uint8Array): void {
  if (!(dataKey instanceof Uint8Array) || dataKey.length < 1 || dataKey.length > MAX_DATA_KEY_BYTES) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `a data key must be 1 to ${MAX_DATA_KEY_BYTES} bytes`);
  }
}
