import { EnvelopeError, ErrorCode } from '@envelope-kit/core';
import { describe, expect, it } from 'vitest';
import { GRPC_STATUS, gcpKmsError, type GrpcStatusName } from '../src/index.js';

/** An error shaped like the client's rejections: a message and a numeric gRPC `code`. */
function grpcError(status: GrpcStatusName, details: string): Error {
  return Object.assign(new Error(`${GRPC_STATUS[status]} ${status}: ${details}`), { code: GRPC_STATUS[status], details });
}

describe('gcpKmsError: gRPC statuses to core codes', () => {
  it.each<[GrpcStatusName, ErrorCode]>([
    ['NOT_FOUND', ErrorCode.KEY_NOT_FOUND],
    ['PERMISSION_DENIED', ErrorCode.PERMISSION_DENIED],
    ['UNAUTHENTICATED', ErrorCode.PERMISSION_DENIED],
    ['FAILED_PRECONDITION', ErrorCode.KEY_DISABLED],
    ['RESOURCE_EXHAUSTED', ErrorCode.PROVIDER_UNAVAILABLE],
    ['UNAVAILABLE', ErrorCode.PROVIDER_UNAVAILABLE],
    ['DEADLINE_EXCEEDED', ErrorCode.PROVIDER_UNAVAILABLE],
    ['INTERNAL', ErrorCode.PROVIDER_UNAVAILABLE],
    ['CANCELLED', ErrorCode.PROVIDER_UNAVAILABLE],
    ['INVALID_ARGUMENT', ErrorCode.UNWRAP_FAILED],
    ['UNKNOWN', ErrorCode.UNWRAP_FAILED],
  ])('maps %s to %s when unwrapping, keeping the gRPC error as cause', (status, code) => {
    const cause = grpcError(status, 'the service said so');
    const error = gcpKmsError(cause, 'Decrypt', 'projects/p/locations/l/keyRings/r/cryptoKeys/k', ErrorCode.UNWRAP_FAILED);
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('Cloud KMS Decrypt with projects/p/locations/l/keyRings/r/cryptoKeys/k failed');
    expect(error.message).toContain('the service said so');
  });

  it('uses the fallback for INVALID_ARGUMENT: WRAP_FAILED when wrapping', () => {
    expect(gcpKmsError(grpcError('INVALID_ARGUMENT', 'x'), 'Encrypt', 'k', ErrorCode.WRAP_FAILED).code).toBe(ErrorCode.WRAP_FAILED);
  });

  it('reports missing Application Default Credentials as PERMISSION_DENIED', () => {
    const cause = new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.');
    expect(gcpKmsError(cause, 'Encrypt', 'k', ErrorCode.WRAP_FAILED).code).toBe(ErrorCode.PERMISSION_DENIED);
  });

  it('passes EnvelopeErrors through, and keeps only the first line of gax retry summaries', () => {
    const own = new EnvelopeError(ErrorCode.INTEGRITY_FAILURE, 'checksum');
    expect(gcpKmsError(own, 'Encrypt', 'k', ErrorCode.WRAP_FAILED)).toBe(own);
    const summary = Object.assign(new Error('Exceeded maximum number of retries retrying error Error: 14 UNAVAILABLE: down : Previous errors : [{...}]'), { code: 4 });
    const error = gcpKmsError(summary, 'Decrypt', 'k', ErrorCode.UNWRAP_FAILED);
    expect(error.code).toBe(ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.message).not.toContain('Previous errors');
  });
});
