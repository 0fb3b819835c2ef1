import { status as grpcStatus } from '@grpc/grpc-js';

/** The gRPC status codes the emulator answers with, by name (google.rpc.Code). */
export const RPC_STATUS_CODES = {
  CANCELLED: grpcStatus.CANCELLED,
  UNKNOWN: grpcStatus.UNKNOWN,
  INVALID_ARGUMENT: grpcStatus.INVALID_ARGUMENT,
  DEADLINE_EXCEEDED: grpcStatus.DEADLINE_EXCEEDED,
  NOT_FOUND: grpcStatus.NOT_FOUND,
  ALREADY_EXISTS: grpcStatus.ALREADY_EXISTS,
  PERMISSION_DENIED: grpcStatus.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: grpcStatus.RESOURCE_EXHAUSTED,
  FAILED_PRECONDITION: grpcStatus.FAILED_PRECONDITION,
  ABORTED: grpcStatus.ABORTED,
  OUT_OF_RANGE: grpcStatus.OUT_OF_RANGE,
  UNIMPLEMENTED: grpcStatus.UNIMPLEMENTED,
  INTERNAL: grpcStatus.INTERNAL,
  UNAVAILABLE: grpcStatus.UNAVAILABLE,
  DATA_LOSS: grpcStatus.DATA_LOSS,
  UNAUTHENTICATED: grpcStatus.UNAUTHENTICATED,
} as const;

export type RpcStatusName = keyof typeof RPC_STATUS_CODES;

/**
 * A failed call as the emulator reports it: a gRPC status and its details
 * string, which the client surfaces as `Error: <code> <NAME>: <details>`.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly status: RpcStatusName,
    message: string,
  ) {
    super(message);
  }

  get code(): number {
    return RPC_STATUS_CODES[this.status];
  }
}

export function isRpcStatusName(name: string): name is RpcStatusName {
  return Object.hasOwn(RPC_STATUS_CODES, name);
}
