/**
 * @envelope-kit/provider-gcp: Google Cloud KMS keys as Envelope Kit key
 * wrappers. URI format, options and environment: `provider.ts`.
 */
export { createKeyWrapper, scheme } from './provider.js';
export { GCP_KMS_PROVIDER_ID, GCP_KMS_RSA_ALGORITHMS, GcpKmsKeyWrapper } from './gcpKmsKeyWrapper.js';
export type { GcpKmsKeyKind, GcpKmsKeyWrapperOptions, ResolvedGcpKmsKey } from './gcpKmsKeyWrapper.js';
export { GCP_KMS_SCHEME, parseGcpKmsKeyUri, parseGcpKmsResourceName } from './gcpKmsKeyUri.js';
export type { GcpKmsKeyName } from './gcpKmsKeyUri.js';
export {
  DEFAULT_EMULATOR_TOKEN,
  GCP_KMS_EMULATOR_HOST_ENV,
  GCP_KMS_EMULATOR_TOKEN_ENV,
  connectGcpKms,
  kmsCallOptions,
  parseEmulatorHost,
  readGcpKmsOptions,
} from './gcpKmsClientOptions.js';
export type { GcpKmsConnection, GcpKmsProviderOptions, KmsCallOptions } from './gcpKmsClientOptions.js';
export { GCP_KMS_ERROR_CODES, GRPC_STATUS, gcpKmsError } from './gcpKmsErrors.js';
export type { GrpcStatusName } from './gcpKmsErrors.js';
