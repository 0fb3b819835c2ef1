/**
 * Every failure Envelope Kit reports is an `EnvelopeError` with a stable `code`
 * that callers branch on. Messages name what was found, never key material.
 */
export const ErrorCode = {
  /** The input is not a well-formed envelope (bad magic, bad field, trailing data). */
  MALFORMED: 'MALFORMED',
  /** The envelope's format version is not one this library reads. */
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** The envelope's algorithm suite is not one this library reads. */
  UNSUPPORTED_SUITE: 'UNSUPPORTED_SUITE',
  /** The envelope ends before its final frame. */
  TRUNCATED: 'TRUNCATED',
  /** A tag, the header MAC or the key commitment did not verify. */
  INTEGRITY_FAILURE: 'INTEGRITY_FAILURE',
  /** None of the keyring's keys is among the envelope's wrapped keys. */
  NO_MATCHING_KEY: 'NO_MATCHING_KEY',
  /** A key could not wrap (or generate) the data key. */
  WRAP_FAILED: 'WRAP_FAILED',
  /** Keys matched, but every attempt to unwrap the data key failed. */
  UNWRAP_FAILED: 'UNWRAP_FAILED',
  /** The envelope's encryption context lacks a pair the caller required. */
  CONTEXT_MISMATCH: 'CONTEXT_MISMATCH',
  /** A field is over a configured or hard limit. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The key service could not be reached or kept failing (throttling, 5xx, outage). */
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  /** The key service or key refused this caller or this operation. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** The key does not exist (or its file is missing). */
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  /** The key exists but is disabled or destroyed. */
  KEY_DISABLED: 'KEY_DISABLED',
  /** The key material is unusable: wrong type, too small, unreadable. */
  INVALID_KEY: 'INVALID_KEY',
  /** The caller passed something this API does not accept. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One key's failure, kept when a keyring tried several keys. */
export interface KeyFailure {
  readonly providerId: string;
  readonly keyId: string;
  readonly error: EnvelopeError;
}

export interface EnvelopeErrorOptions {
  /** The native error (SDK, OpenSSL, I/O) this one classifies. */
  readonly cause?: unknown;
  /** Every key that was tried, when several were. */
  readonly failures?: readonly KeyFailure[];
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  readonly code: ErrorCode;
  readonly failures: readonly KeyFailure[];

  constructor(code: ErrorCode, message: string, options: EnvelopeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.failures = Object.freeze([...(options.failures ?? [])]);
  }
}

/** True when `error` is an `EnvelopeError`, and of `code` when one is given. */
export function isEnvelopeError(error: unknown, code?: ErrorCode): error is EnvelopeError {
  return error instanceof EnvelopeError && (code === undefined || error.code === code);
}

/** Throws `EnvelopeError(code, message)` unless `condition` holds. */
export function ensure(condition: boolean, code: ErrorCode, message: string): asserts condition {
  if (!condition) throw new EnvelopeError(code, message);
}
