import { constants, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { blobKeyId, openBlob, sealBlob } from './ciphertextBlob.js';
import { KmsError } from './kmsError.js';
import { EMULATED_KEY_SPECS, type EmulatedKey, type EmulatedKeySpec, type KeyStore } from './keyStore.js';
import {
  encodeBlob,
  optionalBlob,
  optionalContext,
  optionalInteger,
  optionalString,
  requireBlob,
  requireString,
  type JsonObject,
} from './wire.js';

/** The KMS operations the emulator answers (`x-amz-target: TrentService.<name>`). */
export const KMS_OPERATIONS = [
  'GenerateDataKey',
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'DescribeKey',
  'GetPublicKey',
  'CreateKey',
  'CreateAlias',
  'DisableKey',
  'EnableKey',
] as const;
export type KmsOperation = (typeof KMS_OPERATIONS)[number];

export interface OperationContext {
  readonly store: KeyStore;
  /** The region the request was signed for: keys live in one region. */
  readonly region: string;
}

type Handler = (input: JsonObject, context: OperationContext) => JsonObject | Promise<JsonObject>;

// KMS's documented bounds for the blobs these operations take.
const MAX_PLAINTEXT_BYTES = 4096;
const MAX_CIPHERTEXT_BYTES = 6144;
const MAX_DATA_KEY_BYTES = 1024;

const RSA_OAEP_HASH: Readonly<Record<string, string>> = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' };
const SIGNING_ALGORITHMS = ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'];

export const OPERATIONS: Readonly<Record<KmsOperation, Handler>> = {
  GenerateDataKey(input, { store, region }) {
    const key = cryptoKey(store, region, requireString(input, 'KeyId'));
    if (key.material.kind !== 'symmetric') throw keyUsage(key, 'GenerateDataKey');
    const length = dataKeyLength(input);
    const dataKey = randomBytes(length);
    const blob = sealBlob(key.id, key.material.secret, dataKey, optionalContext(input, 'EncryptionContext'));
    return { CiphertextBlob: encodeBlob(blob), Plaintext: encodeBlob(dataKey), KeyId: key.arn };
  },

  Encrypt(input, { store, region }) {
    const key = cryptoKey(store, region, requireString(input, 'KeyId'));
    const plaintext = requireBlob(input, 'Plaintext', MAX_PLAINTEXT_BYTES);
    const sealed = encryptWith(key, plaintext, optionalContext(input, 'EncryptionContext'), optionalString(input, 'EncryptionAlgorithm'));
    return { CiphertextBlob: encodeBlob(sealed.blob), KeyId: key.arn, EncryptionAlgorithm: sealed.algorithm };
  },

  Decrypt(input, { store, region }) {
    const opened = decryptWith(store, region, {
      blob: requireBlob(input, 'CiphertextBlob', MAX_CIPHERTEXT_BYTES),
      keyId: optionalString(input, 'KeyId'),
      context: optionalContext(input, 'EncryptionContext'),
      algorithm: optionalString(input, 'EncryptionAlgorithm'),
    });
    return { KeyId: opened.key.arn, Plaintext: encodeBlob(opened.plaintext), EncryptionAlgorithm: opened.algorithm };
  },

  ReEncrypt(input, { store, region }) {
    const opened = decryptWith(store, region, {
      blob: requireBlob(input, 'CiphertextBlob', MAX_CIPHERTEXT_BYTES),
      keyId: optionalString(input, 'SourceKeyId'),
      context: optionalContext(input, 'SourceEncryptionContext'),
      algorithm: optionalString(input, 'SourceEncryptionAlgorithm'),
    });
    try {
      const destination = cryptoKey(store, region, requireString(input, 'DestinationKeyId'));
      const sealed = encryptWith(
        destination,
        opened.plaintext,
        optionalContext(input, 'DestinationEncryptionContext'),
        optionalString(input, 'DestinationEncryptionAlgorithm'),
      );
      return {
        CiphertextBlob: encodeBlob(sealed.blob),
        SourceKeyId: opened.key.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: opened.algorithm,
        DestinationEncryptionAlgorithm: sealed.algorithm,
      };
    } finally {
      opened.plaintext.fill(0);
    }
  },

  DescribeKey(input, { store, region }) {
    return { KeyMetadata: keyMetadata(store.resolve(region, requireString(input, 'KeyId')), store.accountId) };
  },

  GetPublicKey(input, { store, region }) {
    const key = store.resolve(region, requireString(input, 'KeyId'));
    if (!key.enabled) throw disabled(key);
    if (key.material.kind !== 'rsa') {
      throw new KmsError('UnsupportedOperationException', `${key.arn} key usage ENCRYPT_DECRYPT with key spec SYMMETRIC_DEFAULT has no public key`);
    }
    return {
      KeyId: key.arn,
      PublicKey: encodeBlob(key.material.publicKeyDer),
      KeySpec: key.spec,
      CustomerMasterKeySpec: key.spec,
      KeyUsage: key.usage,
      ...algorithms(key),
    };
  },

  async CreateKey(input, { store, region }) {
    const spec = optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
    if (!isEmulatedSpec(spec)) {
      throw new KmsError('ValidationException', `KeySpec ${spec} is not emulated; use one of ${EMULATED_KEY_SPECS.join(', ')}`);
    }
    const usage = optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
    if (usage !== 'ENCRYPT_DECRYPT' && usage !== 'SIGN_VERIFY') {
      throw new KmsError('ValidationException', `KeyUsage ${usage} is not emulated; use ENCRYPT_DECRYPT or SIGN_VERIFY`);
    }
    if (usage === 'SIGN_VERIFY' && spec === 'SYMMETRIC_DEFAULT') {
      throw new KmsError('ValidationException', 'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT');
    }
    const key = await store.create({ region, spec, usage, description: optionalString(input, 'Description') ?? '' });
    return { KeyMetadata: keyMetadata(key, store.accountId) };
  },

  CreateAlias(input, { store, region }) {
    store.createAlias(region, requireString(input, 'AliasName'), requireString(input, 'TargetKeyId'));
    return {};
  },

  DisableKey(input, context) {
    keyByIdOrArn(input, context).enabled = false;
    return {};
  },

  EnableKey(input, context) {
    keyByIdOrArn(input, context).enabled = true;
    return {};
  },
};

export function isKmsOperation(name: string): name is KmsOperation {
  return (KMS_OPERATIONS as readonly string[]).includes(name);
}

/** A key that may encrypt and decrypt right now. */
function cryptoKey(store: KeyStore, region: string, identifier: string): EmulatedKey {
  const key = store.resolve(region, identifier);
  if (!key.enabled) throw disabled(key);
  return key;
}

function encryptWith(
  key: EmulatedKey,
  plaintext: Buffer,
  context: Readonly<Record<string, string>>,
  algorithm: string | undefined,
): { blob: Buffer; algorithm: string } {
  if (key.usage !== 'ENCRYPT_DECRYPT') throw keyUsage(key, 'Encrypt');
  if (key.material.kind === 'symmetric') {
    if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') throw algorithmNotSupported(key, algorithm);
    return { blob: sealBlob(key.id, key.material.secret, plaintext, context), algorithm: 'SYMMETRIC_DEFAULT' };
  }
  const hash = algorithm === undefined ? undefined : RSA_OAEP_HASH[algorithm];
  if (algorithm === undefined || hash === undefined) throw algorithmNotSupported(key, algorithm ?? 'SYMMETRIC_DEFAULT');
  // KMS's asymmetric algorithms take no encryption context (RSA-OAEP without a label).
  if (Object.keys(context).length > 0) {
    throw new KmsError('ValidationException', 'EncryptionContext is not supported with asymmetric KMS keys');
  }
  try {
    const blob = publicEncrypt({ key: key.material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext);
    return { blob, algorithm };
  } catch {
    throw new KmsError('ValidationException', `Plaintext is too long for ${key.spec} with ${algorithm}`);
  }
}

interface DecryptRequest {
  readonly blob: Buffer;
  readonly keyId: string | undefined;
  readonly context: Readonly<Record<string, string>>;
  readonly algorithm: string | undefined;
}

function decryptWith(store: KeyStore, region: string, request: DecryptRequest): { key: EmulatedKey; plaintext: Buffer; algorithm: string } {
  const named = blobKeyId(request.blob);
  // Without a KeyId only a symmetric blob can say which key it needs.
  const key = request.keyId !== undefined ? cryptoKey(store, region, request.keyId) : namedKey(store, region, named);
  if (key.usage !== 'ENCRYPT_DECRYPT') throw keyUsage(key, 'Decrypt');

  if (key.material.kind === 'symmetric') {
    const algorithm = request.algorithm ?? 'SYMMETRIC_DEFAULT';
    if (algorithm !== 'SYMMETRIC_DEFAULT') throw algorithmNotSupported(key, algorithm);
    if (named === undefined) throw invalidCiphertext();
    if (named !== key.id) {
      throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
    return { key, plaintext: openBlob(request.blob, key.material.secret, request.context), algorithm };
  }

  const hash = request.algorithm === undefined ? undefined : RSA_OAEP_HASH[request.algorithm];
  if (request.algorithm === undefined || hash === undefined) throw algorithmNotSupported(key, request.algorithm ?? 'SYMMETRIC_DEFAULT');
  if (Object.keys(request.context).length > 0) {
    throw new KmsError('ValidationException', 'EncryptionContext is not supported with asymmetric KMS keys');
  }
  try {
    const plaintext = privateDecrypt({ key: key.material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, request.blob);
    return { key, plaintext, algorithm: request.algorithm };
  } catch {
    // A ciphertext of another RSA key fails OAEP like any altered one: KMS cannot tell them apart.
    throw invalidCiphertext();
  }
}

function namedKey(store: KeyStore, region: string, named: string | undefined): EmulatedKey {
  const key = named === undefined ? undefined : store.find(region, named);
  if (!key) throw invalidCiphertext();
  if (!key.enabled) throw disabled(key);
  return key;
}

function keyByIdOrArn(input: JsonObject, { store, region }: OperationContext): EmulatedKey {
  const identifier = requireString(input, 'KeyId');
  // DisableKey and EnableKey take a key id or key ARN, never an alias.
  if (identifier.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(identifier)) {
    throw new KmsError('NotFoundException', `Invalid keyId ${identifier}`);
  }
  return store.resolve(region, identifier);
}

function dataKeyLength(input: JsonObject): number {
  const numberOfBytes = optionalInteger(input, 'NumberOfBytes');
  const keySpec = optionalString(input, 'KeySpec');
  if (keySpec !== undefined) {
    if (numberOfBytes !== undefined) throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
    if (keySpec === 'AES_256') return 32;
    if (keySpec === 'AES_128') return 16;
    throw new KmsError('ValidationException', `1 validation error detected: Value '${keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`);
  }
  if (numberOfBytes === undefined) throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  if (numberOfBytes < 1 || numberOfBytes > MAX_DATA_KEY_BYTES) {
    throw new KmsError('ValidationException', `1 validation error detected: Value '${numberOfBytes}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and ${MAX_DATA_KEY_BYTES}`);
  }
  return numberOfBytes;
}

function keyMetadata(key: EmulatedKey, accountId: string): JsonObject {
  return {
    AWSAccountId: accountId,
    KeyId: key.id,
    Arn: key.arn,
    // JSON 1.1 timestamps are epoch seconds.
    CreationDate: key.createdAt.getTime() / 1000,
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: key.usage,
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.spec,
    KeySpec: key.spec,
    MultiRegion: false,
    ...algorithms(key),
  };
}

function algorithms(key: EmulatedKey): JsonObject {
  if (key.usage === 'SIGN_VERIFY') return { SigningAlgorithms: SIGNING_ALGORITHMS };
  return { EncryptionAlgorithms: key.material.kind === 'symmetric' ? ['SYMMETRIC_DEFAULT'] : Object.keys(RSA_OAEP_HASH) };
}

function isEmulatedSpec(spec: string): spec is EmulatedKeySpec {
  return (EMULATED_KEY_SPECS as readonly string[]).includes(spec);
}

function disabled(key: EmulatedKey): KmsError {
  return new KmsError('DisabledException', `${key.arn} is disabled.`);
}

function keyUsage(key: EmulatedKey, operation: string): KmsError {
  return new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.usage} with key spec ${key.spec}, which is not valid for ${operation}.`);
}

function algorithmNotSupported(key: EmulatedKey, algorithm: string): KmsError {
  return new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.spec}.`);
}

function invalidCiphertext(): KmsError {
  return new KmsError('InvalidCiphertextException', 'The ciphertext is invalid.');
}
