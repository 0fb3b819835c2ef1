/**
 * @envelope-kit/core: the envelope format, the key schedule, keyrings and
 * streams. No cloud SDK: providers plug in through `KeyWrapper`.
 */
export { EnvelopeError, ErrorCode, ensure, isEnvelopeError } from './errors.js';
export type { EnvelopeErrorOptions, KeyFailure } from './errors.js';

export { encrypt } from './message/encrypt.js';
export { decrypt } from './message/decrypt.js';
export { inspect } from './message/inspect.js';
export type { EnvelopeInfo, InspectOptions } from './message/inspect.js';
export type { DecryptOptions, DecryptResult, EncryptOptions, KeyringInput } from './message/options.js';
export { DecryptSession } from './message/decryptSession.js';
export { startEncryption } from './message/encryptSession.js';
export type { EncryptSession } from './message/encryptSession.js';

export { rewrap, rewrapStream } from './rewrap/rewrap.js';
export type { RewrapStream } from './rewrap/rewrap.js';
export { RewrapSession } from './rewrap/rewrapSession.js';
export type { RewrapOptions } from './rewrap/rewrapSession.js';
export type { KeyChanges, KeySelector, RewrapReport } from './rewrap/rewrapHeader.js';
export { rotate, rotateStream, RotateSession } from './rewrap/rotate.js';
export { rewrapDirectory } from './bulk/rewrapDirectory.js';
export type { BulkRewrapOptions } from './bulk/rewrapDirectory.js';
export { rotateDirectory } from './bulk/rotateDirectory.js';
export type { BulkRotateOptions } from './bulk/rotateDirectory.js';
export type { BulkFileResult, BulkFileStatus, BulkOptions, BulkProgress, BulkSummary } from './bulk/bulkRun.js';
export { pendingTempFiles, TEMP_SUFFIX, writeFileAtomically } from './io/atomicFile.js';
export type { RotateOptions } from './rewrap/rotate.js';

export { encryptStream, decryptStream } from './stream/nodeStreams.js';
export type { DecryptStream } from './stream/nodeStreams.js';
export { encryptTransformStream, decryptTransformStream } from './stream/webStreams.js';

export { Keyring } from './keyring/keyring.js';
export { CachingDataKeySource } from './cache/cachingDataKeySource.js';
export type { DataKeyCacheOptions, DataKeyCacheStats } from './cache/cachingDataKeySource.js';
export type { DataKeyMaterials, DataKeySource, DataKeyUsage } from './keyring/keyring.js';
export { keyLabel, wrapperMatches } from './keyring/keyWrapper.js';
export type { GeneratedDataKey, KeyWrapper, WrappedKey } from './keyring/keyWrapper.js';

export { checkExpectedContext, decodeContext, encodeContext } from './format/context.js';
export type { EncryptionContext } from './format/context.js';
export { FORMAT_VERSION, MAGIC } from './format/header.js';
export type { EnvelopeHeader } from './format/header.js';
export { DEFAULT_LIMITS, FIELD_BOUNDS, HARD_LIMITS } from './format/limits.js';
export type { LimitOverrides, Limits } from './format/limits.js';
export { DEFAULT_SUITE } from './format/suite.js';
export { rsaOaepSha256Encrypt } from './crypto/rsaOaep.js';
export type { Suite } from './format/suite.js';

export { envelopeConfigSchema } from './config/configSchema.js';
export type { EnvelopeConfig } from './config/configSchema.js';
export { loadConfig, parseConfig } from './config/loadConfig.js';
export type { LoadConfigOptions } from './config/loadConfig.js';
export { createEnvelopeService, EnvelopeService } from './config/envelopeService.js';
export type { EnvelopeServiceOptions } from './config/envelopeService.js';

export { BUILTIN_PROVIDER_PACKAGES, ProviderRegistry, defaultRegistry, keyUriScheme, resolveKey } from './registry/registry.js';
export type { KeyWrapperFactory, ProviderModule, ProviderOptions } from './registry/registry.js';
