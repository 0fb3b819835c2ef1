/**
 * @envelope-kit/provider-local: RSA-OAEP-SHA-256 key wrapping with local
 * PEM/JWK keys, offline. See `localRsaKeyWrapper.ts` for the URI format and
 * the exact OAEP parameters.
 */
export { scheme, createKeyWrapper } from './provider.js';
export { LocalRsaKeyWrapper, LOCAL_PROVIDER_ID, localKeyWrapper } from './localRsaKeyWrapper.js';
export type { LocalKeyMaterial } from './keyMaterial.js';
export { loadLocalKey } from './loadLocalKey.js';
export { generateLocalKey, defaultPublicKeyPath } from './generateLocalKey.js';
export type { GenerateLocalKeyOptions, GeneratedLocalKey } from './generateLocalKey.js';
export { parseLocalKeyUri } from './localKeyUri.js';
export { publicKeyFingerprint } from './fingerprint.js';
export { LOCAL_OAEP_PARAMETERS } from './oaep.js';
