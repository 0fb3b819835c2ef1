import { rewrapDirectory } from '@envelope-kit/core';
import { runBulk } from '../io/bulkReport.js';
import { resolveKeys } from '../keys.js';

export interface RewrapCommandOptions {
  readonly in: string;
  readonly key: string[];
  readonly add: string[];
  readonly remove: string[];
  readonly refresh: boolean;
  readonly context: Record<string, string>;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly progress: boolean;
}

/**
 * Changes which keys wrap the data key of a file or of every envelope under a
 * directory, in place and atomically per file, without touching the bodies.
 * Resolves to the exit code.
 */
export async function rewrapCommand(options: RewrapCommandOptions): Promise<number> {
  const [keyring, add] = await Promise.all([resolveKeys(options.key), resolveKeys(options.add)]);
  return runBulk(options.progress, (onProgress) =>
    rewrapDirectory(options.in, {
      keyring,
      add,
      remove: options.remove,
      ...(options.refresh ? { refresh: keyring } : {}),
      expectedContext: options.context,
      concurrency: options.concurrency,
      dryRun: options.dryRun,
      ...(onProgress ? { onProgress } : {}),
    }),
  );
}
