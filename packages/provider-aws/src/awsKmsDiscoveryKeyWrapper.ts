import type { KMSClient } from '@aws-sdk/client-kms';
import { EnvelopeError, ErrorCode, type EncryptionContext, type KeyWrapper, type ProviderOptions, type WrappedKey } from '@envelope-kit/core';
import { parseKmsKeyIdentifier, type KmsKeyIdentifier } from './awsKmsKeyUri.js';
import { AWS_KMS_PROVIDER_ID, AwsKmsKeyWrapper } from './awsKmsKeyWrapper.js';
import { createKmsClient, readAwsKmsOptions, type AwsKmsProviderOptions } from './kmsClientOptions.js';

/** Which keys a discovery wrapper may use; absent fields do not filter. */
export interface AwsKmsDiscoveryFilter {
  /** AWS account ids (12 digits) whose keys may be used. Strongly recommended. */
  readonly accounts?: readonly string[];
  /** The partition of the key ARNs (`aws`, `aws-cn`, `aws-us-gov`...). Default `aws`. */
  readonly partition?: string;
}

// Envelopes choose the keys a discovery wrapper calls: bound what one caller can make it remember.
const MAX_CACHED_KEYS = 64;

/**
 * Unwraps with whatever AWS KMS key an envelope names (after the AWS
 * Encryption SDK's discovery keyring), for consumers that should not list keys.
 * It never wraps. Each key is reached in the region its ARN names, with a
 * client made from the same options as `createKeyWrapper` (or the given
 * `client`, which then serves its own region only).
 *
 * The envelope picks the key, so restrict it with `accounts`: otherwise a
 * forged envelope can make this process call Decrypt on someone else's key.
 */
export class AwsKmsDiscoveryKeyWrapper implements KeyWrapper {
  readonly providerId = AWS_KMS_PROVIDER_ID;
  readonly keyId: string;
  readonly #options: AwsKmsProviderOptions;
  readonly #accounts: ReadonlySet<string> | undefined;
  readonly #partition: string;
  readonly #clients = new Map<string, KMSClient>();
  readonly #keys = new Map<string, AwsKmsKeyWrapper>();

  constructor(options: AwsKmsProviderOptions & AwsKmsDiscoveryFilter = {}) {
    this.#options = options;
    this.#partition = options.partition ?? 'aws';
    this.#accounts = options.accounts === undefined ? undefined : new Set(options.accounts);
    this.keyId = `discovery:${this.#partition}${options.accounts === undefined ? '' : `:${options.accounts.join(',')}`}`;
  }

  /** Any key ARN of the allowed partition and accounts. */
  matches(wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): boolean {
    if (wrapped.providerId !== this.providerId) return false;
    const key = keyArn(wrapped.keyId);
    return (
      key !== undefined &&
      wrapped.keyId.startsWith(`arn:${this.#partition}:`) &&
      (this.#accounts === undefined || this.#accounts.has(key.accountId ?? ''))
    );
  }

  async wrap(_dataKey: Uint8Array, _context: EncryptionContext): Promise<WrappedKey> {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'an awskms discovery key only unwraps; name a key (awskms:///arn:...) to encrypt');
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    if (!this.matches(wrapped)) {
      throw new EnvelopeError(
        ErrorCode.UNWRAP_FAILED,
        `the data key was wrapped by ${wrapped.providerId}:${wrapped.keyId}, which this discovery key (${this.keyId}) may not use`,
      );
    }
    return this.#key(wrapped.keyId).unwrap(wrapped, context);
  }

  /** Closes the sockets of the clients this wrapper created (KeyWrapper.close). */
  close(): void {
    if (this.#options.client) return;
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }

  #key(arn: string): AwsKmsKeyWrapper {
    const known = this.#keys.get(arn);
    if (known) return known;
    if (this.#keys.size >= MAX_CACHED_KEYS) {
      // Forget the oldest: a Map iterates in insertion order.
      const oldest = this.#keys.keys().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
    // matches() let only key ARNs through, and an ARN always names its region.
    const key = new AwsKmsKeyWrapper(this.#client(keyArn(arn)?.region ?? ''), arn);
    this.#keys.set(arn, key);
    return key;
  }

  #client(region: string): KMSClient {
    if (this.#options.client) return this.#options.client;
    let client = this.#clients.get(region);
    if (!client) {
      client = createKmsClient(this.#options, region);
      this.#clients.set(region, client);
    }
    return client;
  }
}

/**
 * The registry's discovery factory for `awskms`: the options of
 * `createKeyWrapper` plus `accounts` and `partition` (see `AwsKmsDiscoveryFilter`).
 */
export function createDiscoveryKeyWrapper(options?: ProviderOptions): AwsKmsDiscoveryKeyWrapper {
  const settings = readAwsKmsOptions(options);
  const accounts: unknown = options?.accounts;
  if (accounts !== undefined && !isAccountList(accounts)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'awskms option "accounts" must be a non-empty list of 12-digit AWS account ids');
  }
  const partition = options?.partition;
  if (partition !== undefined && (typeof partition !== 'string' || !/^aws(-[a-z]+)*$/.test(partition))) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'awskms option "partition" must be an AWS partition such as aws or aws-cn');
  }
  return new AwsKmsDiscoveryKeyWrapper({
    ...settings,
    ...(accounts === undefined ? {} : { accounts }),
    ...(partition === undefined ? {} : { partition }),
  });
}

function isAccountList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && value.every((account: unknown) => typeof account === 'string' && /^\d{12}$/.test(account));
}

/** The parsed identifier when it is a key ARN, else undefined. */
function keyArn(identifier: string): KmsKeyIdentifier | undefined {
  try {
    const key = parseKmsKeyIdentifier(identifier);
    return key.form === 'key-arn' ? key : undefined;
  } catch {
    return undefined;
  }
}
