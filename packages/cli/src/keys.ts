import { defaultRegistry, type KeyWrapper } from '@envelope-kit/core';
import * as local from '@envelope-kit/provider-local';

defaultRegistry.registerModule(local);

/**
 * Resolves `--key` URIs through the provider registry. Providers other than
 * local are imported on first use and read their endpoint and credentials
 * from their usual environment variables.
 */
export async function resolveKeys(uris: readonly string[]): Promise<KeyWrapper[]> {
  return Promise.all(uris.map((uri) => defaultRegistry.resolve(uri, { baseDir: process.cwd() })));
}
