import { crc32c } from '@aws-crypto/crc32c';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/**
 * CRC32C end-to-end checks, as Cloud KMS asks its callers to do them: the
 * client library checks nothing, so a bit flipped between the service and
 * this process would otherwise pass unnoticed. (node:zlib's crc32 is CRC-32,
 * another polynomial; @aws-crypto/crc32c is the Castagnoli one KMS uses.)
 */

/** The request-side checksum field for `data`: `{ value: crc32c(data) }`. */
export function checksum(data: Uint8Array): { value: number } {
  return { value: crc32c(data) };
}

/**
 * Throws INTEGRITY_FAILURE unless `returned` (an Int64Value from a response)
 * is the CRC32C of `data`. A missing checksum fails too: the service always
 * sends one, so its absence means the response is not what KMS sent.
 */
export function expectChecksum(data: Uint8Array, returned: { value?: unknown } | null | undefined, what: string): void {
  const value = int64(returned?.value);
  if (value === undefined) throw integrityFailure(`Cloud KMS returned no checksum for the ${what}`);
  if (value !== BigInt(crc32c(data))) throw integrityFailure(`the ${what} does not match the CRC32C Cloud KMS returned for it: it was corrupted on the way`);
}

/** Throws INTEGRITY_FAILURE unless the service says it verified the checksum we sent. */
export function expectVerified(verified: boolean | null | undefined, field: string): void {
  if (verified !== true) {
    throw integrityFailure(`Cloud KMS did not confirm the ${field} checksum: the request may have been corrupted on the way`);
  }
}

export function integrityFailure(message: string): EnvelopeError {
  return new EnvelopeError(ErrorCode.INTEGRITY_FAILURE, message);
}

// The client decodes int64 as a string (google-gax loads protos with longs: String); accept numbers and Longs too.
function int64(value: unknown): bigint | undefined {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') {
    try {
      return BigInt(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value === 'object' && value !== null && typeof value.toString === 'function') return int64(value.toString());
  return undefined;
}
