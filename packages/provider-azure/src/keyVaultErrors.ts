import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/**
 * How a Key Vault failure maps to a core code, by HTTP status first (the
 * SDK's `RestError.statusCode`), then by the service's `innererror.code` where
 * one status covers several causes (403: the caller, or a disabled key).
 */
export const KEY_VAULT_STATUS_CODES: Readonly<Record<number, ErrorCode>> = Object.freeze({
  401: ErrorCode.PERMISSION_DENIED,
  403: ErrorCode.PERMISSION_DENIED,
  404: ErrorCode.KEY_NOT_FOUND,
  408: ErrorCode.PROVIDER_UNAVAILABLE,
  429: ErrorCode.PROVIDER_UNAVAILABLE,
});

// 403s that are about the key's state, not about who is asking.
const KEY_STATE_INNER_CODES: Readonly<Record<string, ErrorCode>> = Object.freeze({
  KeyDisabled: ErrorCode.KEY_DISABLED,
});

// Socket-level failures (and the SDK's wrapper for them): the vault is down, unreachable or cut the connection.
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
]);

// TLS verification failures: the endpoint cannot be trusted, so it is as good as unreachable.
const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// Errors @azure/identity credentials throw when they cannot get a token.
const CREDENTIAL_ERROR_NAMES = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError']);

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.PROVIDER_UNAVAILABLE]: 'Key Vault is unreachable, kept throttling or failing after retries, or the deadline passed',
  [ErrorCode.PERMISSION_DENIED]: 'check the credential, its token, and the access policy or RBAC role (keys get, wrapKey, unwrapKey) and the key_ops',
  [ErrorCode.KEY_NOT_FOUND]: 'check the vault, the key name and the version',
  [ErrorCode.KEY_DISABLED]: 'the key version is disabled, expired or not yet valid',
  [ErrorCode.UNWRAP_FAILED]: 'wrong key or version, or altered bytes',
};

/**
 * Classifies a failure of one Key Vault call. `fallback` is the code for
 * anything else, a 400 included (WRAP_FAILED when wrapping, UNWRAP_FAILED
 * when unwrapping: the service answers a bad ciphertext with 400 BadParameter).
 * The message names the operation, the key and the SDK's error, never data.
 */
export function keyVaultError(error: unknown, operation: string, keyId: string, fallback: ErrorCode): EnvelopeError {
  if (error instanceof EnvelopeError) return error;
  const code = classify(error) ?? fallback;
  const detail = describe(error);
  const hint = HINTS[code];
  return new EnvelopeError(code, `Azure Key Vault ${operation} with key ${keyId} failed (${detail})${hint ? `: ${hint}` : ''}`, { cause: error });
}

/** `403 Forbidden/KeyDisabled: Operation ... ` for service errors, `name: message` for the rest. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = restStatus(error);
  if (status === undefined) return `${error.name}: ${error.message}`;
  const serviceCode = (error as { details?: { error?: { code?: unknown } } }).details?.error?.code;
  const inner = innerCode(error);
  return `${status} ${typeof serviceCode === 'string' ? serviceCode : error.name}${inner === undefined ? '' : `/${inner}`}: ${error.message}`;
}

function classify(error: unknown): ErrorCode | undefined {
  if (!(error instanceof Error)) return undefined;
  // The operation's deadline (our abort signal) passed, retries included.
  if (error.name === 'AbortError') return ErrorCode.PROVIDER_UNAVAILABLE;
  const statusCode = restStatus(error);
  const { code } = error as { code?: unknown };
  if (statusCode !== undefined) {
    if (statusCode === 403) return KEY_STATE_INNER_CODES[innerCode(error) ?? ''] ?? ErrorCode.PERMISSION_DENIED;
    if (statusCode >= 500) return ErrorCode.PROVIDER_UNAVAILABLE;
    return KEY_VAULT_STATUS_CODES[statusCode];
  }
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || TLS_ERROR_CODES.has(code))) return ErrorCode.PROVIDER_UNAVAILABLE;
  if (CREDENTIAL_ERROR_NAMES.has(error.name)) return ErrorCode.PERMISSION_DENIED;
  // The SDK's CryptographyClient checks a key it fetched before calling the service, with plain Errors.
  if (/^Operation \w+ is not supported on key /.test(error.message)) return ErrorCode.PERMISSION_DENIED;
  if (/ expired at |can't be used before/.test(error.message)) return ErrorCode.KEY_DISABLED;
  // The challenge named another resource than the vault's domain: a misconfigured vault URL.
  if (/does not match the requested domain/.test(error.message)) return ErrorCode.INVALID_ARGUMENT;
  return undefined;
}

/** The HTTP status of a failed SDK call (`RestError.statusCode`), undefined when no response came. */
export function restStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `innererror.code` of a Key Vault error body, as the SDK puts it in `RestError.details`. */
function innerCode(error: Error): string | undefined {
  const details = (error as { details?: { error?: { innerError?: { code?: unknown } } } }).details;
  const code = details?.error?.innerError?.code;
  return typeof code === 'string' ? code : undefined;
}
