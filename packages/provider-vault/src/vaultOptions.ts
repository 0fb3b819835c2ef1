import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';
import type { RetryPolicy } from './retry.js';
import type { VaultClientLike } from './transitClient.js';
import { isBinding, normalizeNamespace, type VaultContextBinding } from './vaultKeyUri.js';

/** Options of `createKeyWrapper` for `vault:` URIs. All are optional; environment variables fill the gaps. */
export interface VaultProviderOptions {
  /** Vault's address, `https://vault.example.com:8200`. Else VAULT_ADDR. */
  readonly address?: string;
  /** The Vault token. Else VAULT_TOKEN. */
  readonly token?: string;
  /** A Vault Enterprise namespace, when the URI names none. Else VAULT_NAMESPACE. */
  readonly namespace?: string;
  /**
   * A node-vault client to use as is (its address, token, namespace and TLS
   * settings), e.g. one logged in with AppRole that renews its token.
   * `address` and `token` are then not needed; pass `namespace` too so the key id records it.
   */
  readonly client?: VaultClientLike;
  /** How the context is bound, when the URI says nothing; else learnt by reading the key. */
  readonly binding?: VaultContextBinding;
  /** Milliseconds one attempt may take. Else VAULT_CLIENT_TIMEOUT (seconds); default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, retries included. Else VAULT_MAX_RETRIES + 1; default 3. */
  readonly maxAttempts?: number;
  /** The first retry's wait in ms, doubling each time. Default 100. */
  readonly retryBaseDelayMs?: number;
  /** The longest wait between retries in ms. Default 2 000. */
  readonly retryMaxDelayMs?: number;
}

/** Everything a wrapper needs, options and environment merged and checked. */
export interface VaultSettings {
  readonly address: string | undefined;
  readonly token: string | undefined;
  readonly namespace: string | undefined;
  readonly client: VaultClientLike | undefined;
  readonly binding: VaultContextBinding | undefined;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
}

/** The environment variables read, as the Vault CLI names them. */
export type VaultEnvironment = Readonly<Record<string, string | undefined>>;

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
// Three attempts ride out a blip (the Vault CLI's default VAULT_MAX_RETRIES is 2); more would only delay an outage.
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 100;
const DEFAULT_RETRY_MAX_DELAY_MS = 2_000;
const MAX_ATTEMPTS = 10;
const MAX_TIMEOUT_MS = 600_000;

/**
 * Reads `vault` options from the registry's untyped options, checking each and
 * ignoring names it does not know (one options object serves every provider),
 * then fills what is missing from VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE,
 * VAULT_CLIENT_TIMEOUT and VAULT_MAX_RETRIES.
 */
export function readVaultSettings(options: ProviderOptions | undefined, env: VaultEnvironment): VaultSettings {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'vault options must be an object');
  }
  const given = options ?? {};
  const address = read(given, 'address', isHttpUrl, 'an http(s) URL') ?? fromEnv(env, 'VAULT_ADDR', isHttpUrl, 'an http(s) URL');
  // Never echo a token back: a rejected one is only described.
  const token = read(given, 'token', isToken, 'a non-empty string of printable characters') ?? fromEnv(env, 'VAULT_TOKEN', isToken, 'a non-empty string of printable characters');
  const namespaceText = read(given, 'namespace', isString, 'a string') ?? fromEnv(env, 'VAULT_NAMESPACE', isString, 'a string');
  const namespace = normalizeNamespace(namespaceText, 'vault option "namespace" (or VAULT_NAMESPACE)');
  const client = read(given, 'client', isVaultClient, 'a node-vault client (an object with read and write)');
  const binding = read(given, 'binding', isBinding, 'context, associated_data or none');
  const requestTimeoutMs =
    read(given, 'requestTimeoutMs', integerIn(1, MAX_TIMEOUT_MS), `an integer from 1 to ${MAX_TIMEOUT_MS}`) ??
    envTimeoutMs(env) ??
    DEFAULT_REQUEST_TIMEOUT_MS;
  const maxAttempts =
    read(given, 'maxAttempts', integerIn(1, MAX_ATTEMPTS), `an integer from 1 to ${MAX_ATTEMPTS}`) ?? envMaxAttempts(env) ?? DEFAULT_MAX_ATTEMPTS;
  const baseDelayMs = read(given, 'retryBaseDelayMs', integerIn(0, 60_000), 'an integer from 0 to 60000') ?? DEFAULT_RETRY_BASE_DELAY_MS;
  const maxDelayMs = read(given, 'retryMaxDelayMs', integerIn(0, 600_000), 'an integer from 0 to 600000') ?? Math.max(baseDelayMs, DEFAULT_RETRY_MAX_DELAY_MS);
  if (maxDelayMs < baseDelayMs) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'vault option "retryMaxDelayMs" must not be below "retryBaseDelayMs"');
  }
  return { address, token, namespace, client, binding, requestTimeoutMs, retry: { maxAttempts, baseDelayMs, maxDelayMs } };
}

/** One option, checked: undefined when absent, else of the type `valid` admits. */
function read<T>(options: ProviderOptions, name: string, valid: (value: unknown) => value is T, expected: string): T | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `vault option "${name}" must be ${expected}`);
  return value;
}

/** One environment variable, checked; empty counts as unset, as in the Vault CLI. */
function fromEnv<T extends string>(env: VaultEnvironment, name: string, valid: (value: unknown) => value is T, expected: string): T | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!valid(value)) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${name} must be ${expected}`);
  return value;
}

/** VAULT_CLIENT_TIMEOUT as the Vault CLI reads it: seconds, or a duration in s or ms. */
function envTimeoutMs(env: VaultEnvironment): number | undefined {
  const value = env.VAULT_CLIENT_TIMEOUT;
  if (value === undefined || value === '') return undefined;
  const match = /^(\d+)(ms|s)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1000) : NaN;
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `VAULT_CLIENT_TIMEOUT must be seconds (60, 60s) or milliseconds (500ms) up to ${MAX_TIMEOUT_MS / 1000}s`);
  }
  return ms;
}

/** VAULT_MAX_RETRIES counts retries; attempts are one more. */
function envMaxAttempts(env: VaultEnvironment): number | undefined {
  const value = env.VAULT_MAX_RETRIES;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) > MAX_ATTEMPTS - 1) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `VAULT_MAX_RETRIES must be an integer from 0 to ${MAX_ATTEMPTS - 1}`);
  }
  return Number(value) + 1;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

// A header value: printable ASCII, no spaces; anything else is a paste accident.
function isToken(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]+$/.test(value);
}

// Structural: an app may hold a client from another copy of node-vault, or its own wrapper.
function isVaultClient(value: unknown): value is VaultClientLike {
  if (value === null || typeof value !== 'object') return false;
  const { read: readMethod, write } = value as { read?: unknown; write?: unknown };
  return typeof readMethod === 'function' && typeof write === 'function';
}

function integerIn(min: number, max: number): (value: unknown) => value is number {
  return (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
