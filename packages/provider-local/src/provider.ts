import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';
import { loadLocalKey } from './loadLocalKey.js';
import { parseLocalKeyUri } from './localKeyUri.js';
import type { LocalRsaKeyWrapper } from './localRsaKeyWrapper.js';

/** The key-URI scheme this package serves (`local:./key.pem`). */
export const scheme = 'local';

/**
 * The registry's factory: loads the key file a `local:` URI names.
 * Reads `options.baseDir` (for relative paths) and ignores other options.
 */
export async function createKeyWrapper(uri: string, options: ProviderOptions = {}): Promise<LocalRsaKeyWrapper> {
  const baseDir = options.baseDir;
  if (baseDir !== undefined && (typeof baseDir !== 'string' || baseDir === '')) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the local provider option baseDir must be a non-empty path');
  }
  return loadLocalKey(parseLocalKeyUri(uri, baseDir));
}
