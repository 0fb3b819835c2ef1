/**
 * @envelope-kit/testing/gcp-kms: a Cloud KMS emulator that the official
 * `@google-cloud/kms` client talks to over gRPC on 127.0.0.1.
 * Needs `@google-cloud/kms` installed: the emulator serves the client's own .proto files.
 */
export { DEFAULT_GCP_KMS_EMULATOR_TOKEN, GcpKmsEmulator } from './gcpKmsEmulator.js';
export type { GcpKmsCallOptions, GcpKmsClientOptions, GcpKmsEmulatorOptions, GcpKmsEmulatorToken } from './gcpKmsEmulator.js';
export { CORRUPTION_KINDS } from './faults.js';
export type { CorruptionKind, CorruptionOptions, FailureOptions, FaultScope } from './faults.js';
export { GCP_KMS_METHOD_PERMISSIONS, GCP_KMS_METHODS } from './operations.js';
export type { GcpKmsMethod } from './operations.js';
export { EMULATED_ALGORITHMS } from './keyStore.js';
export type { EmulatedAlgorithm, EmulatedPurpose, VersionState } from './keyStore.js';
export { RPC_STATUS_CODES } from './rpcError.js';
export type { RpcStatusName } from './rpcError.js';
