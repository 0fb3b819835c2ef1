import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CryptographyClient, KeyClient, KeyVaultKey } from '@azure/keyvault-keys';
import {
  type EncryptionContext,
  EnvelopeError,
  ErrorCode,
  type KeyWrapper,
  rsaOaepSha256Encrypt,
  type WrappedKey,
} from '@envelope-kit/core';
import {
  formatKeyVaultKeyId,
  parseKeyVaultKeyId,
  sameKeyVaultKey,
  type AzureKeyVaultKeyUri,
} from './azureKeyVaultKeyUri.js';
import { keyVaultError, restStatus } from './keyVaultErrors.js';

/** The provider id recorded in every wrapped key this provider makes. */
export const AZURE_KEY_VAULT_PROVIDER_ID = 'azurekeyvault';

/** The only algorithm used: RSA-OAEP with SHA-256 and MGF1-SHA-256. Key Vault takes no OAEP label. */
export const AZURE_KEY_VAULT_ALGORITHM = 'RSA-OAEP-256';

export interface AzureKeyVaultKeyWrapperOptions {
  /** Deadline of one wrap or unwrap in ms, retries included. Default 30 000. */
  readonly timeoutMs?: number;
  /** How long the key's public part and current version are reused, in ms. Default 300 000. */
  readonly keyCacheTtlMs?: number;
}

/** How the wrapper wraps, as `resolve()` found out. */
export interface ResolvedKeyVaultKey {
  /** `local`: with the public key, read once; `remote`: by the service's wrapKey (the key cannot be read). */
  readonly mode: 'local' | 'remote';
  /** The versioned key id local wraps record; undefined in remote mode, where each answer names it. */
  readonly keyId: string | undefined;
  /** The RSA modulus size in bits, when known. */
  readonly keySize: number | undefined;
}

type WrappingKey =
  | { readonly mode: 'local'; readonly keyId: string; readonly publicKey: KeyObject; readonly keySize: number; readonly fetchedAt: number }
  | { readonly mode: 'remote'; readonly fetchedAt: number };

interface VersionClient {
  readonly client: CryptographyClient;
  /** Settles when the client's first call has; undefined until one succeeded or while none ran. */
  ready: Promise<void> | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_KEY_CACHE_TTL_MS = 300_000;
const MIN_MODULUS_BITS = 2048;
// Unwrap clients are kept per key version; an envelope naming many bogus versions must not grow this forever.
const MAX_VERSION_CLIENTS = 16;
const KEY_VERSION = /^[0-9a-f]{32}$/i;

/**
 * One Azure Key Vault RSA key as a KeyWrapper (URI format and options: `provider.ts`).
 *
 * Wraps locally with RSA-OAEP-256 and the key's public part (Get Key, cached
 * for `keyCacheTtlMs`) when the key can be read and its key_ops allow wrapKey;
 * when the caller may not read the key (403 on get), the service wraps
 * (wrapKey). Unwraps with the service's unwrapKey, always for the exact
 * version recorded, so envelopes stay readable after the key rotates.
 *
 * Key Vault's RSA-OAEP takes no label or AAD: the encryption context is bound
 * by the envelope header (authenticated with a key derived from the data key)
 * and not by Key Vault, as for every RSA backend without a label.
 *
 * Wrapped keys record the versioned key id `https://VAULT/keys/NAME/VERSION`,
 * on the vault of the URI even when requests go to an override URL.
 */
export class AzureKeyVaultKeyWrapper implements KeyWrapper {
  readonly providerId = AZURE_KEY_VAULT_PROVIDER_ID;
  /** The key as configured: `https://VAULT/keys/NAME`, with `/VERSION` when the URI pins one. */
  readonly keyId: string;
  readonly #key: AzureKeyVaultKeyUri;
  readonly #client: KeyClient;
  readonly #timeoutMs: number;
  readonly #keyCacheTtlMs: number;
  #wrapping: WrappingKey | undefined;
  #fetching: Promise<WrappingKey> | undefined;
  readonly #versionClients = new Map<string, VersionClient>();

  /**
   * @param client a KeyClient for the key's vault (or for the URL standing in for it).
   * @param key the key: `https://VAULT/keys/NAME[/VERSION]`, or a parsed URI.
   */
  constructor(client: KeyClient, key: string | AzureKeyVaultKeyUri, options: AzureKeyVaultKeyWrapperOptions = {}) {
    this.#key = typeof key === 'string' ? parseKeyVaultKeyId(key) : key;
    this.keyId = this.#key.keyId;
    this.#client = client;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#keyCacheTtlMs = options.keyCacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS;
  }

  /**
   * Reads the key now (Get Key) and tells how wraps will be done; wrapping does
   * it on first use, so call this only to fail fast at startup.
   */
  async resolve(): Promise<ResolvedKeyVaultKey> {
    const key = await this.#wrappingKey();
    return key.mode === 'local' ? { mode: 'local', keyId: key.keyId, keySize: key.keySize } : { mode: 'remote', keyId: undefined, keySize: undefined };
  }

  /** Whether `wrapped` was wrapped by this key: any version of it, or the pinned one when the URI names a version. */
  matches(wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): boolean {
    return this.#recordedVersion(wrapped) !== undefined;
  }

  async wrap(dataKey: Uint8Array, _context: EncryptionContext): Promise<WrappedKey> {
    if (!(dataKey instanceof Uint8Array) || dataKey.length === 0) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the data key must be a non-empty Uint8Array');
    }
    const key = await this.#wrappingKey();
    return key.mode === 'local' ? this.#wrapLocally(key, dataKey) : this.#wrapRemotely(dataKey);
  }

  async unwrap(wrapped: WrappedKey, _context: EncryptionContext): Promise<Uint8Array> {
    if (!(wrapped.ciphertext instanceof Uint8Array) || wrapped.ciphertext.length === 0) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, 'the wrapped data key is empty');
    }
    const version = this.#recordedVersion(wrapped);
    // Another key (or another pinned version): say which, without a pointless call.
    if (version === undefined) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, not by ${this.providerId}:${this.keyId}`);
    }
    const keyId = formatKeyVaultKeyId({ ...this.#key, version });
    try {
      const result = await this.#call(version, (client, abortSignal) => client.unwrapKey(AZURE_KEY_VAULT_ALGORITHM, wrapped.ciphertext, { abortSignal }));
      return result.result;
    } catch (error) {
      throw keyVaultError(error, 'unwrapKey', keyId, ErrorCode.UNWRAP_FAILED);
    }
  }

  /** The version `wrapped` records, when it is one this wrapper may unwrap. */
  #recordedVersion(wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): string | undefined {
    if (wrapped.providerId !== this.providerId) return undefined;
    let recorded: AzureKeyVaultKeyUri;
    try {
      recorded = parseKeyVaultKeyId(wrapped.keyId);
    } catch {
      return undefined;
    }
    if (recorded.version === undefined || !sameKeyVaultKey(recorded, this.#key)) return undefined;
    if (this.#key.version !== undefined && recorded.version !== this.#key.version) return undefined;
    return recorded.version;
  }

  /** Key Vault's RSA-OAEP-256 is OAEP with SHA-256 and MGF1-SHA-256: done locally with the public key. */
  #wrapLocally(key: Extract<WrappingKey, { mode: 'local' }>, dataKey: Uint8Array): WrappedKey {
    return { providerId: this.providerId, keyId: key.keyId, ciphertext: rsaOaepSha256Encrypt(key.publicKey, dataKey, key.keyId) };
  }

  async #wrapRemotely(dataKey: Uint8Array): Promise<WrappedKey> {
    // The SDK reports the key id it was given, not the version the service used: read that from the answer.
    let reported: string | undefined;
    const onResponse = (response: { readonly status: number; readonly parsedBody?: unknown; readonly request: { readonly url: string } }): void => {
      const kid = (response.parsedBody as { kid?: unknown } | undefined)?.kid;
      if (response.status === 200 && /\/wrapkey$/i.test(new URL(response.request.url).pathname) && typeof kid === 'string') reported = kid;
    };
    let ciphertext: Uint8Array;
    try {
      const version = this.#key.version ?? '';
      ciphertext = (await this.#call(version, (client, abortSignal) => client.wrapKey(AZURE_KEY_VAULT_ALGORITHM, dataKey, { abortSignal, onResponse }))).result;
    } catch (error) {
      throw keyVaultError(error, 'wrapKey', this.keyId, ErrorCode.WRAP_FAILED);
    }
    const version = reported === undefined ? undefined : this.#versionIn(reported);
    if (version === undefined || ciphertext.length === 0) {
      throw new EnvelopeError(ErrorCode.WRAP_FAILED, `Azure Key Vault wrapKey with key ${this.keyId} answered for ${reported ?? 'no key version'}`);
    }
    return { providerId: this.providerId, keyId: formatKeyVaultKeyId({ ...this.#key, version }), ciphertext };
  }

  /** The key to wrap with: cached for keyCacheTtlMs; concurrent callers share one lookup, and a failed one is not cached. */
  async #wrappingKey(): Promise<WrappingKey> {
    const cached = this.#wrapping;
    if (cached && Date.now() - cached.fetchedAt < this.#keyCacheTtlMs) return cached;
    this.#fetching ??= this.#fetchWrappingKey().then(
      (key) => {
        this.#fetching = undefined;
        this.#wrapping = key;
        return key;
      },
      (error: unknown) => {
        this.#fetching = undefined;
        throw error;
      },
    );
    return this.#fetching;
  }

  async #fetchWrappingKey(): Promise<WrappingKey> {
    let key: KeyVaultKey;
    try {
      key = await this.#client.getKey(this.#key.name, { ...(this.#key.version === undefined ? {} : { version: this.#key.version }), abortSignal: this.#deadline() });
    } catch (error) {
      const mapped = keyVaultError(error, 'get key', this.keyId, ErrorCode.WRAP_FAILED);
      // May not read the key, but perhaps wrap with it: a producer-only role. A disabled key is no reason to try.
      if (restStatus(error) === 403 && mapped.code === ErrorCode.PERMISSION_DENIED) return { mode: 'remote', fetchedAt: Date.now() };
      throw mapped;
    }
    return { ...this.#checkedPublicKey(key), fetchedAt: Date.now() };
  }

  #checkedPublicKey(key: KeyVaultKey): Omit<Extract<WrappingKey, { mode: 'local' }>, 'fetchedAt'> {
    const { properties, key: jwk } = key;
    const version = properties.version;
    if (version === undefined || !KEY_VERSION.test(version) || key.name.toLowerCase() !== this.#key.name.toLowerCase()) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `Azure Key Vault answered for ${key.id ?? 'no key'} when asked for ${this.keyId}`);
    }
    const keyId = formatKeyVaultKeyId({ ...this.#key, version: version.toLowerCase() });
    const now = Date.now();
    if (properties.enabled === false) throw new EnvelopeError(ErrorCode.KEY_DISABLED, `Azure Key Vault key ${keyId} is disabled`);
    if ((properties.notBefore && properties.notBefore.getTime() > now) || (properties.expiresOn && properties.expiresOn.getTime() <= now)) {
      throw new EnvelopeError(ErrorCode.KEY_DISABLED, `Azure Key Vault key ${keyId} is expired or not yet valid`);
    }
    if ((key.keyType !== 'RSA' && key.keyType !== 'RSA-HSM') || !jwk?.n || !jwk.e) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `Azure Key Vault key ${keyId} is ${key.keyType ?? 'of no type'}; wrapping needs an RSA or RSA-HSM key`);
    }
    if (key.keyOperations !== undefined && !key.keyOperations.includes('wrapKey')) {
      throw new EnvelopeError(ErrorCode.PERMISSION_DENIED, `the key_ops of Azure Key Vault key ${keyId} do not include wrapKey`);
    }
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: base64Url(jwk.n), e: base64Url(jwk.e) }, format: 'jwk' });
    const keySize = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (keySize < MIN_MODULUS_BITS) throw new EnvelopeError(ErrorCode.INVALID_KEY, `Azure Key Vault key ${keyId} has a ${keySize}-bit modulus; at least ${MIN_MODULUS_BITS} is required`);
    return { mode: 'local', keyId, publicKey, keySize };
  }

  /**
   * Runs `operation` on the CryptographyClient for `version` ('' for the
   * current one). A client reads the key on its first call; letting that call
   * go alone makes a burst of unwraps cost one read, not one each.
   */
  async #call<T>(version: string, operation: (client: CryptographyClient, abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = this.#versionClient(version);
    const abortSignal = this.#deadline();
    if (entry.ready === undefined) {
      const first = operation(entry.client, abortSignal);
      entry.ready = first.then(
        () => undefined,
        () => {
          entry.ready = undefined;
        },
      );
      return first;
    }
    await entry.ready;
    return operation(entry.client, abortSignal);
  }

  #versionClient(version: string): VersionClient {
    const known = this.#versionClients.get(version);
    if (known) return known;
    if (this.#versionClients.size >= MAX_VERSION_CLIENTS) {
      const oldest = this.#versionClients.keys().next();
      if (!oldest.done) this.#versionClients.delete(oldest.value);
    }
    // Shares the KeyClient's pipeline: one token, one challenge, one connection pool.
    const client = this.#client.getCryptographyClient(this.#key.name, version === '' ? {} : { keyVersion: version });
    const entry: VersionClient = { client, ready: undefined };
    this.#versionClients.set(version, entry);
    return entry;
  }

  /** The version in a key id the service reported (its host may be an override's), if it names this key. */
  #versionIn(kid: string): string | undefined {
    try {
      const [, collection, name, version] = new URL(kid).pathname.split('/');
      if (collection !== 'keys' || name?.toLowerCase() !== this.#key.name.toLowerCase() || version === undefined || !KEY_VERSION.test(version)) return undefined;
      if (this.#key.version !== undefined && version.toLowerCase() !== this.#key.version) return undefined;
      return version.toLowerCase();
    } catch {
      return undefined;
    }
  }

  #deadline(): AbortSignal {
    return AbortSignal.timeout(this.#timeoutMs);
  }
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

