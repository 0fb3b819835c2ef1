import { createPublicKey, generateKeyPair, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KmsError } from './kmsError.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The key specs the emulator can create. */
export const EMULATED_KEY_SPECS = ['SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type EmulatedKeySpec = (typeof EMULATED_KEY_SPECS)[number];
export type EmulatedKeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY';

const RSA_MODULUS_BITS: Readonly<Record<Exclude<EmulatedKeySpec, 'SYMMETRIC_DEFAULT'>, number>> = {
  RSA_2048: 2048,
  RSA_3072: 3072,
  RSA_4096: 4096,
};

export type KeyMaterial =
  | { readonly kind: 'symmetric'; readonly secret: Buffer }
  | { readonly kind: 'rsa'; readonly privateKey: KeyObject; readonly publicKeyDer: Buffer };

/** One KMS key. Its material never leaves the emulator, as in KMS. */
export interface EmulatedKey {
  readonly id: string;
  readonly arn: string;
  readonly region: string;
  readonly spec: EmulatedKeySpec;
  readonly usage: EmulatedKeyUsage;
  readonly description: string;
  readonly createdAt: Date;
  enabled: boolean;
  readonly material: KeyMaterial;
}

export interface NewKey {
  readonly region: string;
  readonly spec: EmulatedKeySpec;
  readonly usage: EmulatedKeyUsage;
  readonly description: string;
}

// arn:PARTITION:kms:REGION:ACCOUNT:key/ID or .../alias/NAME
const KMS_ARN = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * Keys and aliases of one account, per region: a key is reachable only by
 * requests signed for its region, as in KMS, so a client configured for the
 * wrong region gets NotFoundException.
 */
export class KeyStore {
  private readonly keys = new Map<string, EmulatedKey>();
  private readonly aliases = new Map<string, string>();

  constructor(readonly accountId: string) {}

  async create(request: NewKey): Promise<EmulatedKey> {
    const id = randomUUID();
    const material = await makeMaterial(request.spec);
    const key: EmulatedKey = {
      id,
      arn: `arn:aws:kms:${request.region}:${this.accountId}:key/${id}`,
      region: request.region,
      spec: request.spec,
      usage: request.usage,
      description: request.description,
      createdAt: new Date(),
      enabled: true,
      material,
    };
    this.keys.set(regional(request.region, id), key);
    return key;
  }

  createAlias(region: string, aliasName: string, targetKeyId: string): void {
    if (!ALIAS_NAME.test(aliasName)) {
      throw new KmsError('ValidationException', `Alias must start with the prefix "alias/" and contain only alphanumeric characters, /, _ or -: ${aliasName}`);
    }
    if (aliasName.startsWith('alias/aws/')) {
      throw new KmsError('InvalidAliasNameException', `Alias ${aliasName} uses the reserved prefix alias/aws/`);
    }
    const aliasKey = regional(region, aliasName);
    if (this.aliases.has(aliasKey)) {
      throw new KmsError('AlreadyExistsException', `An alias with the name ${this.aliasArn(region, aliasName)} already exists`);
    }
    // An alias targets a key, never another alias.
    if (targetKeyId.startsWith('alias/') || KMS_ARN.exec(targetKeyId)?.[3] === 'alias') {
      throw new KmsError('ValidationException', 'TargetKeyId must be a key id or key ARN, not an alias');
    }
    const target = this.resolve(region, targetKeyId);
    this.aliases.set(aliasKey, target.id);
  }

  /** Finds a key by id, key ARN, alias name or alias ARN, within `region`. */
  resolve(region: string, identifier: string): EmulatedKey {
    const arn = KMS_ARN.exec(identifier);
    if (arn) {
      const [, arnRegion = '', account = '', type = '', name = ''] = arn;
      if (arnRegion !== region || account !== this.accountId) throw notFound(identifier);
      return type === 'key' ? this.byId(region, name, identifier) : this.byAlias(region, `alias/${name}`, identifier);
    }
    if (identifier.startsWith('alias/')) return this.byAlias(region, identifier, identifier);
    return this.byId(region, identifier, identifier);
  }

  /** The key a ciphertext names, or undefined (the caller decides which error that is). */
  find(region: string, keyId: string): EmulatedKey | undefined {
    return this.keys.get(regional(region, keyId));
  }

  aliasArn(region: string, aliasName: string): string {
    return `arn:aws:kms:${region}:${this.accountId}:${aliasName}`;
  }

  private byId(region: string, id: string, asGiven: string): EmulatedKey {
    const key = this.keys.get(regional(region, id));
    if (!key) throw notFound(asGiven);
    return key;
  }

  private byAlias(region: string, aliasName: string, asGiven: string): EmulatedKey {
    const keyId = this.aliases.get(regional(region, aliasName));
    if (keyId === undefined) throw new KmsError('NotFoundException', `Alias ${this.aliasArn(region, aliasName)} is not found.`);
    return this.byId(region, keyId, asGiven);
  }
}

async function makeMaterial(spec: EmulatedKeySpec): Promise<KeyMaterial> {
  if (spec === 'SYMMETRIC_DEFAULT') return { kind: 'symmetric', secret: randomBytes(32) };
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: RSA_MODULUS_BITS[spec], publicExponent: 0x10001 });
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { kind: 'rsa', privateKey, publicKeyDer };
}

function regional(region: string, name: string): string {
  return `${region}\u0000${name}`;
}

function notFound(identifier: string): KmsError {
  return new KmsError('NotFoundException', `Key '${identifier}' does not exist`);
}
