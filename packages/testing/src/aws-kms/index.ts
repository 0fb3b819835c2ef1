/**
 * `@envelope-kit/testing/aws-kms`: the AWS KMS emulator alone, for apps and
 * tools that want it without the vitest-based conformance suite.
 */
export { AwsKmsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from './awsKmsEmulator.js';
export type { AwsKmsEmulatorOptions, EmulatorClientConfig } from './awsKmsEmulator.js';
export type { EmulatorCredentials } from './sigv4Verifier.js';
export type { FailureOptions, FaultScope } from './faults.js';
export { KMS_ERROR_STATUS } from './kmsError.js';
export type { KmsErrorType } from './kmsError.js';
export { KMS_OPERATIONS } from './operations.js';
export type { KmsOperation } from './operations.js';
export { EMULATED_KEY_SPECS } from './keyStore.js';
export type { EmulatedKeySpec } from './keyStore.js';
