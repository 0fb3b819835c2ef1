import { constants, type KeyObject, type RsaPrivateKey } from 'node:crypto';

/**
 * The RSA-OAEP parameters of every `local` wrapped key (RFC 8017, section 7.1),
 * stated once so that docs, tests and a reimplementation can check against them.
 * They are fixed: other parameters would need another provider id, since the
 * envelope records only `local` and the key id.
 */
export const LOCAL_OAEP_PARAMETERS = Object.freeze({
  /** RSAES-OAEP, `RSA_PKCS1_OAEP_PADDING` in Node and OpenSSL. */
  padding: 'RSAES-OAEP',
  /** The OAEP hash (`oaepHash`, `rsa_oaep_md`). */
  hash: 'sha256',
  /** The mask generation function and its hash (`rsa_mgf1_md`); Node uses the OAEP hash. */
  mgf: 'MGF1',
  mgfHash: 'sha256',
  /** The OAEP label: the canonical encryption-context encoding, never empty (`{}` is 00 00). */
  label: 'encodeContext(context)',
  /** Smaller keys are refused when loaded. */
  minModulusBits: 2048,
  /** What `generateLocalKey` makes unless told otherwise. */
  defaultModulusBits: 3072,
} as const);

/** The `publicEncrypt` / `privateDecrypt` options for `key` with OAEP label `label`. */
export function oaepOptions(key: KeyObject, label: Uint8Array): RsaPrivateKey {
  return {
    key,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: LOCAL_OAEP_PARAMETERS.hash,
    oaepLabel: label,
  };
}
