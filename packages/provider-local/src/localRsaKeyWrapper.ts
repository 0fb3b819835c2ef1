/**
 * The `local` provider: wraps data keys with an RSA key held in a local file
 * (or in memory), with no network and no key service.
 *
 * URI format (scheme `local`), see `parseLocalKeyUri`:
 *   local:///absolute/path/key.pem      absolute; a URL, so percent-decoded (%20 is a space)
 *   local:/absolute/path/key.pem        absolute, taken literally
 *   local:relative/key.pem, local:./k   relative to `options.baseDir`, else process.cwd()
 *
 * Options (`createKeyWrapper(uri, options)`): `baseDir` (string) for relative paths.
 * Other options are ignored, so one options object can serve several providers.
 *
 * Key files: PEM (PKCS#8 or PKCS#1 private, SPKI or PKCS#1 public) or a JSON Web Key,
 * RSA only (not RSA-PSS), at least 2048 bits, without a passphrase. A public key
 * alone can wrap (seal data its holder can never read); unwrapping needs the private key.
 *
 * Key id: `sha256:` + lowercase hex SHA-256 of the public key's SPKI DER,
 * i.e. `openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum`.
 *
 * Wrapping (LOCAL_OAEP_PARAMETERS): RSAES-OAEP with SHA-256 and MGF1-SHA-256, whose
 * label is `encodeContext(context)`, the canonical encryption-context encoding.
 * The label binds the context to each wrapped key: unwrapping under any other
 * context fails. The wrapped key is exactly one modulus long. By hand:
 *   openssl pkeyutl -decrypt -inkey key.pem -pkeyopt rsa_padding_mode:oaep
 *     -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
 *     -pkeyopt rsa_oaep_label:<hex of encodeContext(context)>
 */
import { createPublicKey, privateDecrypt, type KeyObject } from 'node:crypto';
import {
  encodeContext,
  type EncryptionContext,
  EnvelopeError,
  ErrorCode,
  type KeyWrapper,
  rsaOaepSha256Encrypt,
  type WrappedKey,
} from '@envelope-kit/core';
import { publicKeyFingerprint } from './fingerprint.js';
import { toKeyObject, type LocalKeyMaterial } from './keyMaterial.js';
import { oaepOptions } from './oaep.js';
import { checkRsaKey } from './rsaKeyPolicy.js';

/** The provider id recorded in every wrapped key this provider makes. */
export const LOCAL_PROVIDER_ID = 'local';


export class LocalRsaKeyWrapper implements KeyWrapper {
  readonly providerId = LOCAL_PROVIDER_ID;
  /** `sha256:<hex>` of the public key's SPKI DER (see `publicKeyFingerprint`). */
  readonly keyId: string;
  readonly modulusBits: number;
  // Private fields: the keys stay out of enumeration, JSON and util.inspect.
  readonly #publicKey: KeyObject;
  readonly #privateKey: KeyObject | undefined;

  /** From a private `KeyObject` (wraps and unwraps) or a public one (wraps only). */
  constructor(key: KeyObject) {
    this.modulusBits = checkRsaKey(key);
    this.#privateKey = key.type === 'private' ? key : undefined;
    this.#publicKey = key.type === 'private' ? createPublicKey(key) : key;
    this.keyId = publicKeyFingerprint(this.#publicKey);
  }

  /** Whether this wrapper can unwrap, not just wrap. */
  get hasPrivateKey(): boolean {
    return this.#privateKey !== undefined;
  }

  /** The public key as SPKI PEM, to hand to producers that should only encrypt. */
  exportPublicKeyPem(): string {
    return this.#publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedKey> {
    if (!(dataKey instanceof Uint8Array) || dataKey.length === 0) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the data key to wrap must be a non-empty Uint8Array');
    }
    const ciphertext = rsaOaepSha256Encrypt(this.#publicKey, dataKey, `local key ${this.keyId}`, encodeContext(context));
    return { providerId: this.providerId, keyId: this.keyId, ciphertext };
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    const privateKey = this.#privateKey;
    if (privateKey === undefined) {
      throw new EnvelopeError(
        ErrorCode.PERMISSION_DENIED,
        `local key ${this.keyId} holds only the public key; it can encrypt but not decrypt`,
      );
    }
    // Different ids mean a different key: say which instead of a bare OAEP failure.
    if (wrapped.providerId !== this.providerId || wrapped.keyId !== this.keyId) {
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, not by ${this.providerId}:${this.keyId}`,
      );
    }
    const ciphertext = wrapped.ciphertext;
    if (!(ciphertext instanceof Uint8Array) || ciphertext.length !== this.modulusBytes) {
      const length = ciphertext instanceof Uint8Array ? `${ciphertext.length} bytes` : 'not bytes';
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `the wrapped data key is ${length}; a ${this.modulusBits}-bit RSA-OAEP ciphertext is ${this.modulusBytes} bytes`,
      );
    }
    const label = encodeContext(context);
    try {
      return privateDecrypt(oaepOptions(privateKey, label), ciphertext);
    } catch (cause) {
      // OpenSSL reports every OAEP failure alike (no padding oracle), so name the likely causes.
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `local key ${this.keyId} could not unwrap the data key: wrong key, a different encryption context, or altered bytes`,
        { cause },
      );
    }
  }

  private get modulusBytes(): number {
    return Math.ceil(this.modulusBits / 8);
  }
}

/**
 * A wrapper from key material in memory: a `KeyObject`, PEM text (or JWK JSON
 * text), or a parsed JWK. Private material wraps and unwraps; public only wraps.
 */
export function localKeyWrapper(material: LocalKeyMaterial): LocalRsaKeyWrapper {
  return new LocalRsaKeyWrapper(toKeyObject(material));
}
