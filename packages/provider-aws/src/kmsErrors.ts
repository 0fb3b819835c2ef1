import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/**
 * SDK error names (the `__type` KMS answers with, or the SDK's own) and the
 * core code each means. Callers branch on the code; the SDK error stays
 * reachable as `cause`.
 */
export const KMS_ERROR_CODES: Readonly<Record<string, ErrorCode>> = Object.freeze({
  // The service is there but not answering usefully: retrying later may work.
  ThrottlingException: ErrorCode.PROVIDER_UNAVAILABLE,
  TooManyRequestsException: ErrorCode.PROVIDER_UNAVAILABLE,
  RequestLimitExceeded: ErrorCode.PROVIDER_UNAVAILABLE,
  KMSInternalException: ErrorCode.PROVIDER_UNAVAILABLE,
  DependencyTimeoutException: ErrorCode.PROVIDER_UNAVAILABLE,
  KeyUnavailableException: ErrorCode.PROVIDER_UNAVAILABLE,
  ServiceUnavailableException: ErrorCode.PROVIDER_UNAVAILABLE,
  InternalFailure: ErrorCode.PROVIDER_UNAVAILABLE,
  TimeoutError: ErrorCode.PROVIDER_UNAVAILABLE,
  // Who is calling, or what they may do.
  AccessDeniedException: ErrorCode.PERMISSION_DENIED,
  UnrecognizedClientException: ErrorCode.PERMISSION_DENIED,
  InvalidSignatureException: ErrorCode.PERMISSION_DENIED,
  IncompleteSignatureException: ErrorCode.PERMISSION_DENIED,
  MissingAuthenticationTokenException: ErrorCode.PERMISSION_DENIED,
  ExpiredTokenException: ErrorCode.PERMISSION_DENIED,
  InvalidGrantTokenException: ErrorCode.PERMISSION_DENIED,
  // The SDK found no credentials in its default chain.
  CredentialsProviderError: ErrorCode.PERMISSION_DENIED,
  // The key.
  NotFoundException: ErrorCode.KEY_NOT_FOUND,
  DisabledException: ErrorCode.KEY_DISABLED,
  KMSInvalidStateException: ErrorCode.KEY_DISABLED,
  InvalidKeyUsageException: ErrorCode.INVALID_KEY,
  UnsupportedOperationException: ErrorCode.INVALID_KEY,
  // The ciphertext: altered, of another key, or under another context.
  InvalidCiphertextException: ErrorCode.UNWRAP_FAILED,
  IncorrectKeyException: ErrorCode.UNWRAP_FAILED,
  ValidationException: ErrorCode.INVALID_ARGUMENT,
});

// Socket-level failures: the endpoint is down, unreachable or cut the connection.
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
]);

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.PROVIDER_UNAVAILABLE]: 'AWS KMS is unreachable or kept failing after retries',
  [ErrorCode.PERMISSION_DENIED]: 'check the AWS credentials and the key policy',
  [ErrorCode.KEY_NOT_FOUND]: 'check the key id, the region and the account',
  [ErrorCode.KEY_DISABLED]: 'the key is disabled or pending deletion',
  [ErrorCode.INVALID_KEY]: 'the key cannot do this (key spec or key usage)',
  [ErrorCode.UNWRAP_FAILED]: 'wrong key, a different encryption context, or altered bytes',
};

/**
 * Classifies a failure of one KMS call. `fallback` is the code for anything
 * unrecognised (WRAP_FAILED when wrapping, UNWRAP_FAILED when unwrapping).
 * The message names the operation, the key and the SDK's error, never data.
 */
export function kmsError(error: unknown, operation: string, keyId: string, fallback: ErrorCode): EnvelopeError {
  if (error instanceof EnvelopeError) return error;
  const code = classify(error) ?? fallback;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const hint = HINTS[code];
  return new EnvelopeError(code, `AWS KMS ${operation} with key ${keyId} failed (${detail})${hint ? `: ${hint}` : ''}`, { cause: error });
}

function classify(error: unknown): ErrorCode | undefined {
  if (!(error instanceof Error)) return undefined;
  const byName = Object.hasOwn(KMS_ERROR_CODES, error.name) ? KMS_ERROR_CODES[error.name] : undefined;
  if (byName !== undefined) return byName;
  if (isNetworkError(error)) return ErrorCode.PROVIDER_UNAVAILABLE;
  // SDK service errors say whose fault they are; a 5xx is the service's.
  const service = error as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = service.$metadata?.httpStatusCode;
  if (service.$fault === 'server' || (typeof status === 'number' && status >= 500)) return ErrorCode.PROVIDER_UNAVAILABLE;
  if (/region is missing/i.test(error.message)) return ErrorCode.INVALID_ARGUMENT;
  return undefined;
}

function isNetworkError(error: Error): boolean {
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  // Node reports a failed connect to every address of a host as one AggregateError.
  return error instanceof AggregateError && error.errors.some((inner: unknown) => inner instanceof Error && isNetworkError(inner));
}
