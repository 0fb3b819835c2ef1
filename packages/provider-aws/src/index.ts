/**
 * @envelope-kit/provider-aws: data keys wrapped by AWS KMS keys, symmetric or
 * RSA. See `provider.ts` for the URI format, options and IAM permissions.
 */
export { scheme, createKeyWrapper, createDiscoveryKeyWrapper } from './provider.js';
export { AwsKmsDiscoveryKeyWrapper } from './awsKmsDiscoveryKeyWrapper.js';
export type { AwsKmsDiscoveryFilter } from './awsKmsDiscoveryKeyWrapper.js';
export { AwsKmsKeyWrapper, AWS_KMS_PROVIDER_ID, AWS_KMS_RSA_ALGORITHM } from './awsKmsKeyWrapper.js';
export type { AwsKmsKeyKind, ResolvedAwsKmsKey } from './awsKmsKeyWrapper.js';
export { AWS_KMS_SCHEME, parseAwsKmsKeyUri, parseKmsKeyIdentifier } from './awsKmsKeyUri.js';
export type { AwsKmsKeyUri, KmsKeyIdentifier, KmsKeyIdentifierForm } from './awsKmsKeyUri.js';
export { createKmsClient, readAwsKmsOptions } from './kmsClientOptions.js';
export type { AwsKmsProviderOptions } from './kmsClientOptions.js';
export { KMS_ERROR_CODES, kmsError } from './kmsErrors.js';
