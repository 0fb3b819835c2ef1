import { randomBytes } from 'node:crypto';
import type { VaultOperation, TransitRoute } from './routes.js';
import { decryptValue, encryptValue, type CipherInputs } from './transitCrypto.js';
import { isTransitKeyType, TRANSIT_KEY_TYPES, type TransitKey, type TransitKeyStore } from './transitKeys.js';
import { badRequest, VaultError } from './vaultError.js';
import { decodeBase64, optionalBase64, optionalBoolean, optionalInteger, optionalString, type JsonObject } from './wire.js';

/** What an operation answers: `data` (and `warnings`) for a 200, nothing for a 204. */
export interface TransitResult {
  readonly data?: Record<string, unknown>;
  readonly warnings?: readonly string[];
}

export interface TransitRequest {
  readonly route: TransitRoute;
  /** The `X-Vault-Namespace` header without surrounding slashes; '' for the root namespace. */
  readonly namespace: string;
  readonly body: JsonObject;
  /** Whether the caller's token may create keys: encrypt then creates a missing key (Vault's upsert). */
  readonly mayCreate: boolean;
}

type Operation = (request: TransitRequest, store: TransitKeyStore) => Promise<TransitResult>;

const DATA_KEY_BITS = new Set([128, 256, 512]);

/**
 * The Transit endpoints, after Vault's builtin/logical/transit/path_*.go:
 * the same parameters, the same checks in the same order, the same messages.
 * Batch input, convergent encryption and key_version on decrypt are not emulated.
 */
export const TRANSIT_OPERATIONS: Readonly<Record<VaultOperation, Operation>> = Object.freeze({
  async createKey({ route, namespace, body }, store) {
    const type = optionalString(body, 'type') || 'aes256-gcm96';
    const derived = optionalBoolean(body, 'derived') ?? false;
    if (!isTransitKeyType(type)) {
      throw badRequest(`unknown key type ${type} (the emulator implements ${TRANSIT_KEY_TYPES.join(', ')})`);
    }
    if (derived && !type.startsWith('aes')) {
      throw badRequest(`key derivation and convergent encryption not supported for keys of type ${type}`);
    }
    const { key, created } = await store.create(namespace, route.mount, route.name, type, derived);
    return { data: key.describe(), ...(created ? {} : { warnings: [`key ${route.name} already existed`] }) };
  },

  async readKey({ route, namespace }, store) {
    const key = store.get(namespace, route.mount, route.name);
    // Vault answers a missing key with a bare 404 and no message.
    if (!key) throw new VaultError(404, []);
    return { data: key.describe() };
  },

  async deleteKey({ route, namespace }, store) {
    const key = requireKey(store, namespace, route, 'could not delete key; not found');
    if (!key.deletionAllowed) throw badRequest('could not delete key; deletion is not allowed for this key');
    store.delete(namespace, route.mount, route.name);
    return {};
  },

  async rotateKey({ route, namespace }, store) {
    const key = requireKey(store, namespace, route, 'key not found');
    await key.rotate();
    return { data: key.describe() };
  },

  async configureKey({ route, namespace, body }, store) {
    const key = requireKey(store, namespace, route, `no existing key named ${route.name} could be found`);
    const minDecryption = optionalInteger(body, 'min_decryption_version');
    const deletionAllowed = optionalBoolean(body, 'deletion_allowed');
    const warnings: string[] = [];
    if (minDecryption !== undefined) {
      if (minDecryption < 0) throw badRequest('min decryption version cannot be negative');
      if (minDecryption > key.latestVersion) {
        throw badRequest(`cannot set min decryption version of ${minDecryption}, latest key version is ${key.latestVersion}`);
      }
      if (minDecryption === 0) warnings.push('since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1');
      key.minDecryptionVersion = Math.max(1, minDecryption);
    }
    if (deletionAllowed !== undefined) key.deletionAllowed = deletionAllowed;
    return { data: key.describe(), ...(warnings.length > 0 ? { warnings } : {}) };
  },

  async encrypt({ route, namespace, body, mayCreate }, store) {
    const plaintextField = optionalString(body, 'plaintext');
    if (plaintextField === undefined) throw badRequest('missing plaintext to encrypt');
    const plaintext = decodeBase64(plaintextField);
    const context = optionalBase64(body, 'context');
    const keyVersion = optionalInteger(body, 'key_version') ?? 0;

    let key = store.get(namespace, route.mount, route.name);
    if (!key && mayCreate) {
      // Upsert: a token with create capability makes the key, derived if a context came with it.
      const type = optionalString(body, 'type') || 'aes256-gcm96';
      if (!isTransitKeyType(type) || !type.startsWith('aes')) throw badRequest(`unknown key type ${type}`);
      key = (await store.create(namespace, route.mount, route.name, type, context !== undefined)).key;
    }
    if (!key) throw badRequest('encryption key not found');
    const inputs = cipherInputs(key, context, body);
    const version = keyVersion === 0 ? key.latestVersion : keyVersion;
    return { data: { ciphertext: encryptValue(key, version, plaintext, inputs), key_version: version } };
  },

  async decrypt({ route, namespace, body }, store) {
    const ciphertext = optionalString(body, 'ciphertext');
    if (!ciphertext) throw badRequest('missing ciphertext to decrypt');
    const context = optionalBase64(body, 'context');
    const key = requireKey(store, namespace, route, 'encryption key not found');
    const { plaintext } = decryptValue(key, ciphertext, cipherInputs(key, context, body));
    return { data: { plaintext: plaintext.toString('base64') } };
  },

  async rewrap({ route, namespace, body }, store) {
    const ciphertext = optionalString(body, 'ciphertext');
    if (!ciphertext) throw badRequest('missing ciphertext to decrypt');
    const context = optionalBase64(body, 'context');
    const keyVersion = optionalInteger(body, 'key_version') ?? 0;
    const key = requireKey(store, namespace, route, 'encryption key not found');
    // Vault's rewrap takes no associated_data: a ciphertext sealed with some cannot be rewrapped (hashicorp/vault#29532).
    const inputs: CipherInputs = { context };
    const { plaintext } = decryptValue(key, ciphertext, inputs);
    const version = keyVersion === 0 ? key.latestVersion : keyVersion;
    return { data: { ciphertext: encryptValue(key, version, plaintext, inputs), key_version: version } };
  },

  async datakey({ route, namespace, body }, store) {
    const kind = route.datakeyType;
    if (kind !== 'plaintext' && kind !== 'wrapped') throw badRequest("Invalid path, must be 'plaintext' or 'wrapped'");
    const context = optionalBase64(body, 'context');
    const key = requireKey(store, namespace, route, 'encryption key not found');
    const bits = optionalInteger(body, 'bits') ?? 256;
    if (!DATA_KEY_BITS.has(bits)) throw badRequest('invalid bit length');
    const dataKey = randomBytes(bits / 8);
    try {
      // Like Vault, datakey takes no associated_data.
      const ciphertext = encryptValue(key, key.latestVersion, dataKey, { context });
      return {
        data: {
          ciphertext,
          key_version: key.latestVersion,
          ...(kind === 'plaintext' ? { plaintext: dataKey.toString('base64') } : {}),
        },
      };
    } finally {
      dataKey.fill(0);
    }
  },
});

function requireKey(store: TransitKeyStore, namespace: string, route: TransitRoute, message: string): TransitKey {
  const key = store.get(namespace, route.mount, route.name);
  if (!key) throw badRequest(message);
  return key;
}

/** The context, and the associated data that only AEAD key types accept. */
function cipherInputs(key: TransitKey, context: Buffer | undefined, body: JsonObject): CipherInputs {
  const associatedData = optionalBase64(body, 'associated_data');
  if (associatedData !== undefined && !key.aead) {
    throw badRequest(`'[0].associated_data' provided for non-AEAD cipher suite ${key.type}`);
  }
  return { context, associatedData };
}
