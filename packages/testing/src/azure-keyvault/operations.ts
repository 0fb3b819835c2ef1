import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import type { KeyPermission } from './bearerTokens.js';
import { KeyVaultError } from './keyVaultError.js';
import { isEmulatedKeyType, isKeyOperation, type EmulatedKeyVersion, type KeyOperation, type KeyStore, type NewKeyVersion } from './keyStore.js';
import {
  encodeBase64Url,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalStringArray,
  optionalTags,
  requireBase64Url,
  requireString,
  type JsonObject,
} from './wire.js';

/** The Key Vault keys operations the emulator implements, named as the REST API reference names them. */
export const KEY_VAULT_OPERATIONS = ['createKey', 'getKey', 'updateKey', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] as const;
export type KeyVaultOperation = (typeof KEY_VAULT_OPERATIONS)[number];

/** The RSA encryption algorithms the emulator implements; RSA1_5 is refused (Node no longer decrypts PKCS#1 v1.5). */
export const EMULATED_ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP'] as const;

/** A request matched to an operation: the key name and version ('' for the current one) from the path. */
export interface Route {
  readonly operation: KeyVaultOperation;
  readonly name: string;
  readonly version: string;
}

export interface OperationContext {
  readonly store: KeyStore;
  /** `https://HOST:PORT`, the vault URL the client used: key ids are built on it. */
  readonly vaultUrl: string;
}

type CryptoOperation = Extract<KeyVaultOperation, 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey'>;

/** The access-policy permission each operation needs. */
export const REQUIRED_PERMISSION: Readonly<Record<KeyVaultOperation, KeyPermission>> = {
  createKey: 'create',
  getKey: 'get',
  updateKey: 'update',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  wrapKey: 'wrapKey',
  unwrapKey: 'unwrapKey',
};

const CRYPTO_ACTIONS: Readonly<Record<string, CryptoOperation>> = {
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  wrapkey: 'wrapKey',
  unwrapkey: 'unwrapKey',
};

// The hash of each OAEP variant, and its length in bytes (OAEP fits k - 2*hLen - 2 bytes).
const OAEP_HASH: Readonly<Record<string, { readonly name: string; readonly bytes: number }>> = {
  'RSA-OAEP-256': { name: 'sha256', bytes: 32 },
  'RSA-OAEP': { name: 'sha1', bytes: 20 },
};

/**
 * Matches a path to an operation. The SDK sends an empty version as an empty
 * path segment (`/keys/NAME/` and `/keys/NAME//wrapkey`), which means the
 * current version, as the service reads it.
 */
export function route(method: string, pathname: string): Route | undefined {
  const segments = pathname.split('/');
  if (segments[0] !== '' || segments[1] !== 'keys' || segments.length < 3) return undefined;
  let parts: string[];
  try {
    parts = segments.slice(2).map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [name = '', second, third, ...extra] = parts;
  if (name === '' || extra.length > 0) return undefined;
  if (third === undefined) {
    if (method === 'POST' && second === 'create') return { operation: 'createKey', name, version: '' };
    if (method === 'GET') return { operation: 'getKey', name, version: second ?? '' };
    if (method === 'PATCH') return { operation: 'updateKey', name, version: second ?? '' };
    return undefined;
  }
  const operation = CRYPTO_ACTIONS[third.toLowerCase()];
  if (method !== 'POST' || operation === undefined) return undefined;
  return { operation, name, version: second ?? '' };
}

export async function perform(request: Route, body: JsonObject, context: OperationContext): Promise<object> {
  const { store } = context;
  switch (request.operation) {
    case 'createKey':
      return keyBundle(await store.create(request.name, readNewKey(body)), context);
    case 'getKey': {
      const key = store.find(request.name, request.version);
      if (!key.enabled) throw disabled('get');
      return keyBundle(key, context);
    }
    case 'updateKey':
      return keyBundle(update(store.find(request.name, request.version), body), context);
    default:
      return cryptoOperation(request.operation, store.find(request.name, request.version), body, context);
  }
}

function readNewKey(body: JsonObject): NewKeyVersion {
  const kty = requireString(body, 'kty');
  if (!isEmulatedKeyType(kty)) throw new KeyVaultError('BadParameter', `The emulator creates RSA and RSA-HSM keys only, not ${kty}.`);
  const keySize = optionalInteger(body, 'key_size');
  const exponent = optionalInteger(body, 'public_exponent');
  if (exponent !== undefined && exponent !== 0x10001) throw new KeyVaultError('BadParameter', `The public exponent ${exponent} is not supported; use 65537.`);
  const keyOps = readKeyOps(body);
  const attributes = optionalObject(body, 'attributes') ?? {};
  const enabled = optionalBoolean(attributes, 'enabled');
  const notBefore = optionalInteger(attributes, 'nbf');
  const expires = optionalInteger(attributes, 'exp');
  const tags = optionalTags(body, 'tags');
  return {
    kty,
    ...(keySize === undefined ? {} : { keySize }),
    ...(keyOps === undefined ? {} : { keyOps }),
    ...(enabled === undefined ? {} : { enabled }),
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(expires === undefined ? {} : { expires }),
    ...(tags === undefined ? {} : { tags }),
  };
}

// Update Key changes attributes, key_ops and tags, never the material; it works on disabled keys (to enable them).
function update(key: EmulatedKeyVersion, body: JsonObject): EmulatedKeyVersion {
  const keyOps = readKeyOps(body);
  const attributes = optionalObject(body, 'attributes') ?? {};
  const enabled = optionalBoolean(attributes, 'enabled');
  const notBefore = optionalInteger(attributes, 'nbf');
  const expires = optionalInteger(attributes, 'exp');
  const tags = optionalTags(body, 'tags');
  if (keyOps !== undefined) key.keyOps = keyOps;
  if (enabled !== undefined) key.enabled = enabled;
  if (notBefore !== undefined) key.notBefore = notBefore;
  if (expires !== undefined) key.expires = expires;
  if (tags !== undefined) key.tags = tags;
  key.updated = Math.floor(Date.now() / 1000);
  return key;
}

function readKeyOps(body: JsonObject): readonly KeyOperation[] | undefined {
  const keyOps = optionalStringArray(body, 'key_ops');
  if (keyOps === undefined) return undefined;
  return keyOps.map((op) => {
    if (!isKeyOperation(op)) throw new KeyVaultError('BadParameter', `Invalid key operation: ${op}.`);
    return op;
  });
}

function cryptoOperation(operation: CryptoOperation, key: EmulatedKeyVersion, body: JsonObject, context: OperationContext): object {
  // The key's own state first, then its key_ops, then the request: the order the service reports them in.
  if (!key.enabled) throw disabled(operation);
  if (!key.keyOps.includes(operation)) {
    throw new KeyVaultError('Forbidden', `Operation ${operation} is not permitted on this key.`, { innerCode: 'KeyOperationForbidden' });
  }
  const algorithm = requireString(body, 'alg');
  const hash = OAEP_HASH[algorithm];
  if (hash === undefined) {
    const reason = algorithm === 'RSA1_5' ? 'the emulator does not implement RSA1_5' : `use one of ${EMULATED_ALGORITHMS.join(', ')}`;
    throw new KeyVaultError('BadParameter', `Algorithm '${algorithm}' is not supported for key ${key.name}: ${reason}.`);
  }
  const value = requireBase64Url(body, 'value');
  const modulusBytes = key.keySize / 8;
  const padding = constants.RSA_PKCS1_OAEP_PADDING;
  let result: Buffer;
  if (operation === 'encrypt' || operation === 'wrapKey') {
    const capacity = modulusBytes - 2 * hash.bytes - 2;
    if (value.length > capacity) {
      throw new KeyVaultError('BadParameter', `The value is ${value.length} bytes; ${algorithm} with a ${key.keySize}-bit key takes at most ${capacity}.`);
    }
    result = publicEncrypt({ key: key.privateKey, padding, oaepHash: hash.name }, value);
  } else {
    if (value.length !== modulusBytes) {
      throw new KeyVaultError('BadParameter', `The ciphertext is ${value.length} bytes; a ${key.keySize}-bit key's are ${modulusBytes}.`);
    }
    try {
      result = privateDecrypt({ key: key.privateKey, padding, oaepHash: hash.name }, value);
    } catch {
      // Nothing about why: OAEP failures must all look alike.
      throw new KeyVaultError('BadParameter', 'Error decrypting: the ciphertext is not valid for this key and algorithm.');
    }
  }
  return { kid: keyId(key, context), value: encodeBase64Url(result) };
}

/** The key bundle: JWK (public part only), attributes and tags, as Get Key returns it. */
function keyBundle(key: EmulatedKeyVersion, context: OperationContext): object {
  return {
    key: { kid: keyId(key, context), kty: key.kty, key_ops: key.keyOps, n: key.n, e: key.e },
    attributes: {
      enabled: key.enabled,
      ...(key.notBefore === undefined ? {} : { nbf: key.notBefore }),
      ...(key.expires === undefined ? {} : { exp: key.expires }),
      created: key.created,
      updated: key.updated,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
      exportable: false,
    },
    ...(Object.keys(key.tags).length === 0 ? {} : { tags: key.tags }),
  };
}

function keyId(key: EmulatedKeyVersion, context: OperationContext): string {
  return `${context.vaultUrl}/keys/${key.name}/${key.version}`;
}

function disabled(operation: string): KeyVaultError {
  return new KeyVaultError('Forbidden', `Operation ${operation} is not allowed on a disabled key.`, { innerCode: 'KeyDisabled' });
}
