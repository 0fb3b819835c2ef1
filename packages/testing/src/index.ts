/**
 * @envelope-kit/testing: the KeyWrapper conformance suite every provider runs,
 * and wire-level emulators that the official SDKs talk to over real sockets.
 */
export { describeKeyWrapperConformance } from './conformance/describeKeyWrapperConformance.js';
export type { ConformanceKeys, KeyWrapperHarness } from './conformance/keyWrapperHarness.js';
export { expectEnvelopeError } from './conformance/expectEnvelopeError.js';
export { malformedWrappedKeys } from './conformance/malformedWrappedKeys.js';
export type { MalformedWrappedKey } from './conformance/malformedWrappedKeys.js';

export * from './aws-kms/index.js';
