import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';

/** Options of `createKeyWrapper` for `awskms:` URIs. All are optional. */
export interface AwsKmsProviderOptions {
  /** A client to use as is; the other options are then ignored. Its region must be the key's. */
  readonly client?: KMSClient;
  /** The region when the URI names none (no ARN, no `?region=`). Else the SDK's default chain. */
  readonly region?: string;
  /** Another endpoint, e.g. an emulator's `http://127.0.0.1:PORT`. Else the SDK's (which honours AWS_ENDPOINT_URL_KMS). */
  readonly endpoint?: string;
  /** Static credentials or a credential provider. Else the SDK's default chain. */
  readonly credentials?: KMSClientConfig['credentials'];
  /** Attempts per KMS call, retries included. Default 3. */
  readonly maxAttempts?: number;
  /** Milliseconds one attempt may take before it is abandoned (and retried). Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Milliseconds to establish a connection. Default 3 000. */
  readonly connectionTimeoutMs?: number;
}

// Three attempts ride out a brief throttle or a 5xx; more would only delay a real outage.
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;

/**
 * Reads `awskms` options from the registry's untyped options, checking each,
 * and ignoring names it does not know so one options object can serve every provider.
 */
export function readAwsKmsOptions(options: ProviderOptions | undefined): AwsKmsProviderOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'awskms options must be an object');
  }
  const client = read(options, 'client', isKmsClient, 'a KMSClient from @aws-sdk/client-kms');
  const region = read(options, 'region', (v): v is string => typeof v === 'string' && v !== '', 'a region name such as us-east-1');
  const endpoint = read(options, 'endpoint', isHttpUrl, 'an http(s) URL');
  const credentials = read(options, 'credentials', isCredentials, '{ accessKeyId, secretAccessKey, sessionToken? } or a function returning them');
  const maxAttempts = read(options, 'maxAttempts', integerUpTo(10), 'an integer from 1 to 10');
  const requestTimeoutMs = read(options, 'requestTimeoutMs', integerUpTo(600_000), 'an integer from 1 to 600000');
  const connectionTimeoutMs = read(options, 'connectionTimeoutMs', integerUpTo(600_000), 'an integer from 1 to 600000');
  return {
    ...(client === undefined ? {} : { client }),
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs }),
  };
}

/**
 * A KMS client for a key in `region` (undefined: the SDK's default chain).
 * Retries and timeouts are set deliberately: a dead endpoint must become
 * PROVIDER_UNAVAILABLE in seconds, not hang an encryption.
 */
export function createKmsClient(options: AwsKmsProviderOptions, region: string | undefined): KMSClient {
  const chosenRegion = region ?? options.region;
  return new KMSClient({
    ...(chosenRegion === undefined ? {} : { region: chosenRegion }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: ownCopy(options.credentials) }),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without this the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    },
  });
}

// Structural, not instanceof: an app may hold a KMSClient from another copy of the SDK.
function isKmsClient(value: unknown): value is KMSClient {
  if (value instanceof KMSClient) return true;
  if (value === null || typeof value !== 'object') return false;
  const { send, config } = value as { send?: unknown; config?: unknown };
  return typeof send === 'function' && config !== null && typeof config === 'object';
}

/**
 * The SDK records where credentials came from by writing into the object it is
 * given, which fails on a frozen one; give it a plain copy of static credentials.
 */
function ownCopy(credentials: NonNullable<KMSClientConfig['credentials']>): NonNullable<KMSClientConfig['credentials']> {
  if (typeof credentials === 'function') return credentials;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(expiration === undefined ? {} : { expiration }),
  };
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isCredentials(value: unknown): value is KMSClientConfig['credentials'] {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  const { accessKeyId, secretAccessKey, sessionToken } = value as Record<string, unknown>;
  return (
    typeof accessKeyId === 'string' &&
    accessKeyId !== '' &&
    typeof secretAccessKey === 'string' &&
    secretAccessKey !== '' &&
    (sessionToken === undefined || typeof sessionToken === 'string')
  );
}

/** One option, checked: undefined when absent, else of the type `valid` admits. */
function read<T>(options: ProviderOptions, name: string, valid: (value: unknown) => value is T, expected: string): T | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms option "${name}" must be ${expected}`);
  return value;
}

function integerUpTo(max: number): (value: unknown) => value is number {
  return (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}
