import { rotateDirectory } from '@envelope-kit/core';
import { runBulk } from '../io/bulkReport.js';
import { resolveKeys } from '../keys.js';

export interface RotateCommandOptions {
  readonly in: string;
  readonly key: string[];
  readonly newKey: string[];
  readonly context: Record<string, string>;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly progress: boolean;
}

/**
 * Re-encrypts a file, or every envelope under a directory that the old keys
 * wrapped, under a new data key and the new keys. Resolves to the exit code.
 */
export async function rotateCommand(options: RotateCommandOptions): Promise<number> {
  const [keyring, newKeyring] = await Promise.all([resolveKeys(options.key), resolveKeys(options.newKey)]);
  return runBulk(options.progress, (onProgress) =>
    rotateDirectory(options.in, {
      keyring,
      newKeyring,
      expectedContext: options.context,
      concurrency: options.concurrency,
      dryRun: options.dryRun,
      ...(onProgress ? { onProgress } : {}),
    }),
  );
}
