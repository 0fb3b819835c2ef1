import { createRequire } from 'node:module';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';
import { GRPC_STATUS } from './gcpKmsErrors.js';

/** Options of `createKeyWrapper` for `gcpkms:` URIs. All are optional. */
export interface GcpKmsProviderOptions {
  /** A client to use as is; `emulatorHost` is then refused and GCP_KMS_EMULATOR_HOST ignored. */
  readonly client?: KeyManagementServiceClient;
  /** `host:port` of a Cloud KMS emulator, reached over plaintext gRPC. Else GCP_KMS_EMULATOR_HOST. */
  readonly emulatorHost?: string;
  /** The bearer token sent to the emulator (also with `client`). Else GCP_KMS_EMULATOR_TOKEN, else the emulator's default. */
  readonly emulatorToken?: string;
  /** Attempts per KMS call, retries included. Default 3. */
  readonly maxAttempts?: number;
  /**
   * Milliseconds one attempt may take before it is abandoned (and retried). Default 3 000,
   * so a call takes at most about 10 s: maxAttempts × attemptTimeoutMs plus the backoff.
   */
  readonly attemptTimeoutMs?: number;
  /** Milliseconds before the first retry; later ones back off exponentially (jittered, at most 1 s). Default 100. */
  readonly retryDelayMs?: number;
}

/** The environment variables the provider reads (the CLI configures it through them). */
export const GCP_KMS_EMULATOR_HOST_ENV = 'GCP_KMS_EMULATOR_HOST';
export const GCP_KMS_EMULATOR_TOKEN_ENV = 'GCP_KMS_EMULATOR_TOKEN';
/** The default token of `@envelope-kit/testing/gcp-kms`'s emulator (kept equal by a test). */
export const DEFAULT_EMULATOR_TOKEN = 'envelope-kit-gcp-kms-emulator-token';

/** google-gax call options: retries, timeouts and, for an emulator, the token. Fresh per call, as gax mutates them. */
export interface KmsCallOptions {
  readonly retry: {
    readonly retryCodes: number[];
    readonly backoffSettings: {
      maxRetries: number;
      initialRetryDelayMillis: number;
      retryDelayMultiplier: number;
      maxRetryDelayMillis: number;
      initialRpcTimeoutMillis: number;
      rpcTimeoutMultiplier: number;
      maxRpcTimeoutMillis: number;
    };
  };
  readonly otherArgs?: { readonly headers: Readonly<Record<string, string>> };
}

/** What one wrapper needs besides its key: a client, whether it owns it, and how to call. */
export interface GcpKmsConnection {
  readonly client: KeyManagementServiceClient;
  readonly ownsClient: boolean;
  readonly callOptions: () => KmsCallOptions;
}

type KmsClientOptions = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;
type ChannelCredentials = NonNullable<KmsClientOptions['sslCreds']>;

// Three attempts ride out a brief outage; more would only delay the report of a real one.
const DEFAULT_MAX_ATTEMPTS = 3;
// The client's own defaults allow 60 s per attempt and 600 s in all: far too long to hold an encryption.
// 3 attempts of at most 3 s, and at most 0.1 + 0.2 s of backoff between them, stay under 10 s.
const DEFAULT_ATTEMPT_TIMEOUT_MS = 3_000;
const DEFAULT_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 1_000;
const EMULATOR_RECONNECT_BACKOFF_MS = 100;
const EMULATOR_MAX_RECONNECT_BACKOFF_MS = 1_000;
// Transient statuses only. Encrypt, Decrypt and AsymmetricDecrypt are safe to repeat.
const RETRY_CODES = [GRPC_STATUS.UNAVAILABLE, GRPC_STATUS.DEADLINE_EXCEEDED, GRPC_STATUS.RESOURCE_EXHAUSTED];

/**
 * Reads `gcpkms` options from the registry's untyped options and the
 * environment, checking each, and ignoring names it does not know so one
 * options object can serve every provider.
 */
export function readGcpKmsOptions(options: ProviderOptions | undefined, env: NodeJS.ProcessEnv = process.env): GcpKmsProviderOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'gcpkms options must be an object');
  }
  const given = options ?? {};
  const client = read(given, 'client', isKmsClient, 'a KeyManagementServiceClient from @google-cloud/kms');
  const emulatorHost = read(given, 'emulatorHost', isNonEmptyString, 'host:port of a Cloud KMS emulator');
  if (client !== undefined && emulatorHost !== undefined) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'gcpkms options "client" and "emulatorHost" exclude each other');
  }
  const envHost = client === undefined ? nonEmpty(env[GCP_KMS_EMULATOR_HOST_ENV]) : undefined;
  const host = emulatorHost ?? envHost;
  if (host !== undefined) parseEmulatorHost(host);
  const token =
    read(given, 'emulatorToken', isToken, 'printable ASCII without spaces') ??
    (host === undefined ? undefined : (nonEmpty(env[GCP_KMS_EMULATOR_TOKEN_ENV]) ?? DEFAULT_EMULATOR_TOKEN));
  if (token !== undefined && !isToken(token)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${GCP_KMS_EMULATOR_TOKEN_ENV} must be printable ASCII without spaces`);
  }
  const maxAttempts = read(given, 'maxAttempts', integerIn(1, 10), 'an integer from 1 to 10');
  const attemptTimeoutMs = read(given, 'attemptTimeoutMs', integerIn(1, 600_000), 'an integer from 1 to 600000');
  const retryDelayMs = read(given, 'retryDelayMs', integerIn(0, 60_000), 'an integer from 0 to 60000');
  return {
    ...(client === undefined ? {} : { client }),
    ...(host === undefined ? {} : { emulatorHost: host }),
    ...(token === undefined ? {} : { emulatorToken: token }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs }),
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  };
}

/**
 * The client and call options for `options`: the given client; or one for
 * the emulator (plaintext gRPC, the token as call metadata); or one that
 * finds Application Default Credentials on its first call.
 */
export function connectGcpKms(options: GcpKmsProviderOptions): GcpKmsConnection {
  const callOptions = kmsCallOptions(options);
  if (options.client) return { client: options.client, ownsClient: false, callOptions };
  if (options.emulatorHost === undefined) return { client: new KeyManagementServiceClient(), ownsClient: true, callOptions };
  const { host, port } = parseEmulatorHost(options.emulatorHost);
  const client = new KeyManagementServiceClient({
    apiEndpoint: host,
    port,
    sslCreds: insecureChannelCredentials(),
    // With sslCreds the client sends no credentials of its own; naming the
    // universe stops it from looking for Application Default Credentials at all.
    universeDomain: 'googleapis.com',
    // A local emulator restarts in moments; don't let gRPC wait seconds before reconnecting,
    // nor share one connection (and its backoff) across every client of the process.
    'grpc.initial_reconnect_backoff_ms': EMULATOR_RECONNECT_BACKOFF_MS,
    'grpc.max_reconnect_backoff_ms': EMULATOR_MAX_RECONNECT_BACKOFF_MS,
    'grpc.use_local_subchannel_pool': 1,
  });
  return { client, ownsClient: true, callOptions };
}

/** A factory of call options with the retries and timeouts of `options` (see `GcpKmsProviderOptions`). */
export function kmsCallOptions(options: GcpKmsProviderOptions): () => KmsCallOptions {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const attempt = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const delay = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const headers = options.emulatorToken === undefined ? undefined : { authorization: `Bearer ${options.emulatorToken}` };
  return () => ({
    retry: {
      retryCodes: [...RETRY_CODES],
      backoffSettings: {
        // gax counts attempts here, the first included. It refuses a total timeout
        // alongside, so the bound on a call is maxAttempts × the attempt timeout (+ backoff).
        maxRetries: maxAttempts,
        initialRetryDelayMillis: delay,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: Math.max(delay, MAX_RETRY_DELAY_MS),
        initialRpcTimeoutMillis: attempt,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: attempt,
      },
    },
    ...(headers === undefined ? {} : { otherArgs: { headers } }),
  });
}

/** `host:port` or `[IPv6]:port`: where the emulator listens. */
export function parseEmulatorHost(value: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !(port >= 1 && port <= 65_535)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `the Cloud KMS emulator host must be host:port, e.g. 127.0.0.1:8085, got "${value}"`);
  }
  return { host: match[1]!, port };
}

/**
 * `grpc.credentials.createInsecure()` from the gRPC module of the google-gax
 * copy the installed client runs on: the channel checks its credentials with
 * `instanceof`, so they must come from that copy, which this package cannot
 * import by name (it is the client's dependency, not ours).
 */
function insecureChannelCredentials(): ChannelCredentials {
  const gax: unknown = createRequire(createRequire(import.meta.url).resolve('@google-cloud/kms'))('google-gax');
  const grpc = property(gax, 'grpc');
  const credentials = property(grpc, 'credentials');
  const createInsecure = property(credentials, 'createInsecure');
  const created: unknown = typeof createInsecure === 'function' ? createInsecure.call(credentials) : undefined;
  if (!isChannelCredentials(created)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the installed @google-cloud/kms offers no plaintext gRPC channel for the emulator');
  }
  return created;
}

function property(value: unknown, name: string): unknown {
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? Reflect.get(value, name) : undefined;
}

function isChannelCredentials(value: unknown): value is ChannelCredentials {
  return typeof property(value, 'compose') === 'function' && typeof property(value, '_isSecure') === 'function';
}

// Structural, not only instanceof: an app may hold a client from another copy of the package.
function isKmsClient(value: unknown): value is KeyManagementServiceClient {
  if (value instanceof KeyManagementServiceClient) return true;
  return ['encrypt', 'decrypt', 'asymmetricDecrypt', 'getPublicKey', 'getCryptoKey', 'close'].every((name) => typeof property(value, name) === 'function');
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,4096}$/.test(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** One option, checked: undefined when absent, else of the type `valid` admits. */
function read<T>(options: ProviderOptions, name: string, valid: (value: unknown) => value is T, expected: string): T | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `gcpkms option "${name}" must be ${expected}`);
  return value;
}

function integerIn(min: number, max: number): (value: unknown) => value is number {
  return (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
