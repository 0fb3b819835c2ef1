import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/** gRPC status codes (google.rpc.Code), the `code` of every error the client rejects with. */
export const GRPC_STATUS = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcStatusName = keyof typeof GRPC_STATUS;

/**
 * The core code each gRPC status means. Statuses not listed (INVALID_ARGUMENT
 * above all) take the caller's fallback: UNWRAP_FAILED when unwrapping, where
 * KMS answers INVALID_ARGUMENT for a ciphertext of another key, another AAD or
 * altered bytes; WRAP_FAILED when wrapping. The gRPC error stays the `cause`.
 */
export const GCP_KMS_ERROR_CODES: Readonly<Partial<Record<GrpcStatusName, ErrorCode>>> = Object.freeze({
  NOT_FOUND: ErrorCode.KEY_NOT_FOUND,
  PERMISSION_DENIED: ErrorCode.PERMISSION_DENIED,
  UNAUTHENTICATED: ErrorCode.PERMISSION_DENIED,
  // A version that is disabled, destroyed or scheduled for destruction; a key without a primary.
  FAILED_PRECONDITION: ErrorCode.KEY_DISABLED,
  // The service is there but not answering usefully: retrying later may work.
  RESOURCE_EXHAUSTED: ErrorCode.PROVIDER_UNAVAILABLE,
  UNAVAILABLE: ErrorCode.PROVIDER_UNAVAILABLE,
  DEADLINE_EXCEEDED: ErrorCode.PROVIDER_UNAVAILABLE,
  INTERNAL: ErrorCode.PROVIDER_UNAVAILABLE,
  ABORTED: ErrorCode.PROVIDER_UNAVAILABLE,
  // The connection was torn down under the call (this provider never cancels its own calls).
  CANCELLED: ErrorCode.PROVIDER_UNAVAILABLE,
});

const STATUS_NAMES: ReadonlyMap<number, GrpcStatusName> = new Map(
  Object.keys(GRPC_STATUS)
    .filter((name): name is GrpcStatusName => Object.hasOwn(GRPC_STATUS, name))
    .map((name) => [GRPC_STATUS[name], name]),
);

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.PROVIDER_UNAVAILABLE]: 'Cloud KMS is unreachable, over quota or kept failing after retries',
  [ErrorCode.PERMISSION_DENIED]: 'check the credentials (Application Default Credentials, or GCP_KMS_EMULATOR_TOKEN) and the key\'s IAM policy',
  [ErrorCode.KEY_NOT_FOUND]: 'check the project, location, key ring and key names',
  [ErrorCode.KEY_DISABLED]: 'the key version is disabled or destroyed, or the key has no primary version',
  [ErrorCode.UNWRAP_FAILED]: 'wrong key, a different encryption context, or altered bytes',
  [ErrorCode.WRAP_FAILED]: 'symmetric keys must be ENCRYPT_DECRYPT; name an ASYMMETRIC_DECRYPT key with its version',
};

/**
 * Classifies a failure of one Cloud KMS call. `fallback` is the code for
 * anything unrecognised. The message names the method, the key and the
 * service's answer, never data or credentials.
 */
export function gcpKmsError(error: unknown, method: string, keyName: string, fallback: ErrorCode): EnvelopeError {
  if (error instanceof EnvelopeError) return error;
  const status = statusOf(error);
  const code = (status === undefined ? undefined : GCP_KMS_ERROR_CODES[status]) ?? classifyOther(error) ?? fallback;
  const detail = describe(error);
  const hint = HINTS[code];
  return new EnvelopeError(code, `Cloud KMS ${method} with ${keyName} failed (${detail})${hint ? `: ${hint}` : ''}`, { cause: error });
}

/** The gRPC status name of a client error, if it carries one. */
export function statusOf(error: unknown): GrpcStatusName | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? STATUS_NAMES.get(error.code) : undefined;
}

// gax appends every earlier attempt's error to the last one's message; the first line says enough.
const MAX_DETAIL_CHARS = 400;

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(' : Previous errors : ')[0] ?? message;
  return first.length > MAX_DETAIL_CHARS ? `${first.slice(0, MAX_DETAIL_CHARS)}...` : first;
}

function classifyOther(error: unknown): ErrorCode | undefined {
  // google-auth-library found no Application Default Credentials.
  if (error instanceof Error && /Could not load the default credentials|Could not refresh access token/i.test(error.message)) {
    return ErrorCode.PERMISSION_DENIED;
  }
  return undefined;
}
