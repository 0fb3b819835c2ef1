import createNodeVaultClient from 'node-vault';
import { withRetries, type RetryPolicy } from './retry.js';
import { isRetryable, toVaultRequestError, VaultRequestError } from './vaultErrors.js';

/**
 * The two node-vault methods this provider calls, typed. node-vault's own
 * types are `any` throughout; a node-vault client (`nodeVault({...})`) fits
 * this shape, and nothing of node-vault's types leaks past this file.
 */
export interface VaultClientLike {
  read(path: string, requestOptions?: Readonly<Record<string, unknown>>): Promise<unknown>;
  write(path: string, data: Readonly<Record<string, unknown>>, requestOptions?: Readonly<Record<string, unknown>>): Promise<unknown>;
}

/** What GET /<mount>/keys/<name> says about a key, as far as wrapping cares. */
export interface TransitKeyDescription {
  readonly type: string;
  readonly derived: boolean;
  readonly latestVersion: number;
  readonly minDecryptionVersion: number;
  readonly supportsEncryption: boolean;
}

export interface TransitCiphertext {
  /** `vault:vN:<base64>`. */
  readonly ciphertext: string;
  readonly keyVersion: number;
}

/** The base64 parameters Transit takes besides the payload; absent ones are not sent. */
export interface TransitBinding {
  readonly context?: string;
  readonly associated_data?: string;
}

export interface TransitClientSettings {
  /** Per attempt: node-vault (axios) has no timeout unless given one. */
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  /**
   * Sent as X-Vault-Namespace on every request. node-vault sends its own
   * client's namespace instead when it has one, so that one wins.
   */
  readonly namespace?: string | undefined;
}

/** `vault:v<version>:<base64>`, Transit's ciphertext format with its default version template. */
export const TRANSIT_CIPHERTEXT = /^vault:v([1-9][0-9]{0,9}):([A-Za-z0-9+/]+={0,2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A node-vault client for `address` with `token` (and namespace): node-vault's defaults otherwise. */
export function createVaultClient(address: string, token: string, namespace: string | undefined): VaultClientLike {
  return createNodeVaultClient({ apiVersion: 'v1', endpoint: address, token, ...(namespace === undefined ? {} : { namespace }) });
}

/**
 * Transit's key, encrypt, decrypt, rewrap and datakey endpoints over
 * node-vault, with a timeout per attempt, retries with backoff for outages,
 * throttling and 5xx, failures reduced to VaultRequestError, and answers
 * checked before they are believed.
 */
export class TransitClient {
  readonly #vault: VaultClientLike;
  readonly #settings: TransitClientSettings;

  constructor(vault: VaultClientLike, settings: TransitClientSettings) {
    this.#vault = vault;
    this.#settings = settings;
  }

  async readKey(mount: string, name: string): Promise<TransitKeyDescription> {
    const data = await this.#call(() => this.#vault.read(`${mount}/keys/${name}`, this.#requestOptions()));
    const { type, derived, latest_version, min_decryption_version, supports_encryption } = data;
    if (typeof type !== 'string' || typeof latest_version !== 'number') throw malformed('a key description without type or latest_version');
    return {
      type,
      derived: derived === true,
      latestVersion: latest_version,
      minDecryptionVersion: typeof min_decryption_version === 'number' ? min_decryption_version : 1,
      supportsEncryption: supports_encryption !== false,
    };
  }

  async encrypt(mount: string, name: string, plaintext: Uint8Array, binding: TransitBinding): Promise<TransitCiphertext> {
    const data = await this.#call(() =>
      this.#vault.write(`${mount}/encrypt/${name}`, { plaintext: base64(plaintext), ...binding }, this.#requestOptions()),
    );
    return readCiphertext(data);
  }

  /** The plaintext, in a buffer of its own that the caller zeroes. */
  async decrypt(mount: string, name: string, ciphertext: string, binding: TransitBinding): Promise<Buffer> {
    const data = await this.#call(() => this.#vault.write(`${mount}/decrypt/${name}`, { ciphertext, ...binding }, this.#requestOptions()));
    return readBase64(data.plaintext, 'plaintext');
  }

  /** Transit rewrap: decrypts and re-encrypts under the newest version inside Vault. It takes no associated_data. */
  async rewrap(mount: string, name: string, ciphertext: string, binding: Pick<TransitBinding, 'context'>): Promise<TransitCiphertext> {
    const data = await this.#call(() => this.#vault.write(`${mount}/rewrap/${name}`, { ciphertext, ...binding }, this.#requestOptions()));
    return readCiphertext(data);
  }

  /** datakey/plaintext: a fresh key of `bits` (128, 256 or 512) and its ciphertext. It takes no associated_data. */
  async dataKey(mount: string, name: string, bits: 128 | 256 | 512, binding: Pick<TransitBinding, 'context'>): Promise<TransitCiphertext & { readonly plaintext: Buffer }> {
    const data = await this.#call(() => this.#vault.write(`${mount}/datakey/plaintext/${name}`, { bits, ...binding }, this.#requestOptions()));
    const plaintext = readBase64(data.plaintext, 'plaintext');
    try {
      const wrapped = readCiphertext(data);
      if (plaintext.length !== bits / 8) throw malformed(`a ${plaintext.length}-byte data key for ${bits} bits`);
      return { ...wrapped, plaintext };
    } catch (error) {
      plaintext.fill(0);
      throw error;
    }
  }

  #requestOptions(): Readonly<Record<string, unknown>> {
    const { requestTimeoutMs, namespace } = this.#settings;
    // A fresh headers object per call: node-vault writes the token into the one it is given.
    return { timeout: requestTimeoutMs, ...(namespace === undefined ? {} : { headers: { 'X-Vault-Namespace': namespace } }) };
  }

  /** One Transit call with retries; resolves to the response's `data`. */
  async #call(send: () => Promise<unknown>): Promise<Record<string, unknown>> {
    const response = await withRetries(
      async (attempt) => {
        try {
          return await send();
        } catch (error) {
          throw toVaultRequestError(error, attempt);
        }
      },
      isRetryable,
      this.#settings.retry,
    );
    const data = (response as { data?: unknown } | null | undefined)?.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw malformed('no data');
    return data as Record<string, unknown>;
  }
}

function readCiphertext(data: Record<string, unknown>): TransitCiphertext {
  const { ciphertext, key_version } = data;
  if (typeof ciphertext !== 'string') throw malformed('no ciphertext');
  const match = TRANSIT_CIPHERTEXT.exec(ciphertext);
  if (!match) throw malformed('a ciphertext that is not vault:vN:<base64>');
  // Vaults before 1.12 leave key_version out; the ciphertext names it anyway.
  const keyVersion = typeof key_version === 'number' ? key_version : Number(match[1]);
  return { ciphertext, keyVersion };
}

function readBase64(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) throw malformed(`no base64 ${field}`);
  return Buffer.from(value, 'base64');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function malformed(what: string): VaultRequestError {
  return new VaultRequestError(`Vault answered with ${what}`, { status: 200 });
}
