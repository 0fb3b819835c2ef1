import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/**
 * A failed Vault call, reduced to what classifies it: the HTTP status and
 * Vault's messages when Vault answered, the socket error code when it did not.
 *
 * It stands in for node-vault's and axios's errors as the `cause` of every
 * EnvelopeError because those carry the request configuration, and with it
 * the X-Vault-Token header: logging them would log the token.
 */
export class VaultRequestError extends Error {
  override readonly name = 'VaultRequestError';
  /** The HTTP status Vault answered with; undefined when no answer came. */
  readonly status: number | undefined;
  /** The socket or client error code when no answer came: ECONNREFUSED, ECONNABORTED (a timeout)... */
  readonly code: string | undefined;
  /** Vault's `errors`, as it sent them. */
  readonly errors: readonly string[];
  /** The attempts made, retries included. */
  readonly attempts: number;

  constructor(message: string, details: { status?: number; code?: string; errors?: readonly string[]; attempts?: number } = {}) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.errors = Object.freeze([...(details.errors ?? [])]);
    this.attempts = details.attempts ?? 1;
  }
}

// The connection failed, was cut, or timed out: Vault may be fine a moment later.
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

// Vault answers a failed RSA decryption (and a plaintext too long for RSA) with
// a 500, an "internal" error in its keysutil, but it is a refusal of the input:
// retrying cannot help.
const RSA_DECRYPTION_REFUSED = /failed to RSA decrypt the ciphertext/;
const RSA_ENCRYPTION_REFUSED = /failed to RSA encrypt the plaintext/;
const MISSING_CONTEXT = /missing 'context' for key derivation/;
const NON_AEAD = /associated_data' provided for non-AEAD cipher suite/;
const KEY_MISSING = /encryption key not found|^key not found|no existing key named/;
const UNSUPPORTED = /not supported for key type/;

/**
 * Reduces whatever node-vault threw (its ApiResponseError with the HTTP
 * status and body, or an axios error) to a VaultRequestError, keeping none of
 * the original's request configuration.
 */
export function toVaultRequestError(raw: unknown, attempts = 1): VaultRequestError {
  if (raw instanceof VaultRequestError) return raw;
  const response = (raw as { response?: { statusCode?: unknown; body?: unknown } } | null)?.response;
  if (response && typeof response.statusCode === 'number') {
    const body = response.body as { errors?: unknown } | null | undefined;
    const errors = Array.isArray(body?.errors) ? body.errors.filter((e): e is string => typeof e === 'string') : [];
    const message = errors.length > 0 ? errors.map(oneLine).join('; ') : `HTTP ${response.statusCode}`;
    return new VaultRequestError(message, { status: response.statusCode, errors, attempts });
  }
  const code = (raw as { code?: unknown } | null)?.code;
  const message = raw instanceof Error ? raw.message : String(raw);
  return new VaultRequestError(message, { ...(typeof code === 'string' ? { code } : {}), attempts });
}

/** Whether another attempt may succeed: outages, timeouts, throttling, a sealed or failing Vault. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof VaultRequestError)) return false;
  if (error.status === undefined) return error.code !== undefined && NETWORK_ERROR_CODES.has(error.code);
  if (error.status === 500 && (RSA_DECRYPTION_REFUSED.test(error.message) || RSA_ENCRYPTION_REFUSED.test(error.message))) return false;
  // 412: a performance standby has not caught up yet, which Vault's own client retries.
  return error.status === 412 || error.status === 429 || error.status >= 500;
}

/**
 * The core code for a failed Vault call. `fallback` is the code for refusals
 * of the request itself: UNWRAP_FAILED when unwrapping (a 400 on decrypt),
 * WRAP_FAILED when wrapping.
 */
export function classifyVaultError(error: VaultRequestError, fallback: ErrorCode): ErrorCode {
  const { status, message } = error;
  if (status === undefined) return error.code !== undefined && NETWORK_ERROR_CODES.has(error.code) ? ErrorCode.PROVIDER_UNAVAILABLE : fallback;
  if (status === 401 || status === 403) return ErrorCode.PERMISSION_DENIED;
  // A missing key on read, or a mount that does not exist ("no handler for route").
  if (status === 404) return ErrorCode.KEY_NOT_FOUND;
  if (status === 500 && RSA_DECRYPTION_REFUSED.test(message)) return ErrorCode.UNWRAP_FAILED;
  if (status === 500 && RSA_ENCRYPTION_REFUSED.test(message)) return ErrorCode.INVALID_ARGUMENT;
  if (isRetryable(error)) return ErrorCode.PROVIDER_UNAVAILABLE;
  if (status === 400) {
    // A derived key used without a context, or associated_data sent to a non-AEAD key: the
    // configured binding does not fit the key, which no ciphertext can fix.
    if (MISSING_CONTEXT.test(message) || NON_AEAD.test(message)) return ErrorCode.INVALID_ARGUMENT;
    if (KEY_MISSING.test(message)) return ErrorCode.KEY_NOT_FOUND;
    if (UNSUPPORTED.test(message)) return ErrorCode.INVALID_KEY;
  }
  return fallback;
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.PROVIDER_UNAVAILABLE]: 'Vault is unreachable, sealed, rate-limited or failing',
  [ErrorCode.PERMISSION_DENIED]: "check the token (VAULT_TOKEN), its policy's capabilities on this path, and the namespace",
  [ErrorCode.KEY_NOT_FOUND]: 'check the mount path, the key name and the namespace',
  [ErrorCode.INVALID_KEY]: 'this key type cannot encrypt',
  [ErrorCode.UNWRAP_FAILED]: 'wrong key, a different context, a version below min_decryption_version, or altered bytes',
};

/**
 * The EnvelopeError for a failed Vault call, naming the operation, the key,
 * the status and Vault's message; never the token, which Vault's messages do
 * not contain and the request details (dropped above) would.
 */
export function vaultError(error: unknown, operation: string, keyId: string, fallback: ErrorCode): EnvelopeError {
  if (error instanceof EnvelopeError) return error;
  const failure = toVaultRequestError(error);
  const code = classifyVaultError(failure, fallback);
  const what = failure.status !== undefined ? `HTTP ${failure.status}: ${failure.message}` : `${failure.code ?? 'error'}: ${failure.message}`;
  const tries = failure.attempts > 1 ? `, after ${failure.attempts} attempts` : '';
  const hint = MISSING_CONTEXT.test(failure.message)
    ? 'the key is derived, so it needs the context: drop ?binding= from the key URI or set binding=context'
    : NON_AEAD.test(failure.message)
      ? 'this key type takes no associated_data: drop ?binding= from the key URI or set binding=none'
      : HINTS[code];
  return new EnvelopeError(code, `Vault ${operation} with key ${keyId} failed (${what}${tries})${hint ? `: ${hint}` : ''}`, { cause: failure });
}

function oneLine(message: string): string {
  // Vault formats internal errors as a multi-line go-multierror list.
  return message.replace(/^\d+ errors? occurred:\s*/, '').replace(/\s*\n\s*\*?\s*/g, ' ').trim();
}
