import { decryptStream } from '@envelope-kit/core';
import { transfer } from '../io/transfer.js';
import { resolveKeys } from '../keys.js';

export interface DecryptCommandOptions {
  readonly key: string[];
  /** Pairs the envelope must carry. */
  readonly context: Record<string, string>;
  readonly out?: string;
  readonly progress: boolean;
}

/**
 * Decrypts to a file (written only if every frame verifies, mode 0600) or to
 * standard output (verified frames as they come; a failure exits non-zero).
 */
export async function decryptCommand(input: string | undefined, options: DecryptCommandOptions): Promise<void> {
  const keyring = await resolveKeys(options.key);
  const transform = decryptStream({ keyring, expectedContext: options.context });
  await transfer(transform, { input, output: options.out, mode: 0o600, progress: options.progress });
}
