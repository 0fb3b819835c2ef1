import { encryptStream } from '@envelope-kit/core';
import { transfer } from '../io/transfer.js';
import { resolveKeys } from '../keys.js';

export interface EncryptCommandOptions {
  readonly key: string[];
  readonly context: Record<string, string>;
  readonly frameSize?: number;
  readonly out?: string;
  readonly progress: boolean;
}

export async function encryptCommand(input: string | undefined, options: EncryptCommandOptions): Promise<void> {
  if ((options.out === undefined || options.out === '-') && process.stdout.isTTY) {
    throw new Error('refusing to write an envelope to a terminal: use --out FILE or redirect standard output');
  }
  const keyring = await resolveKeys(options.key);
  const transform = encryptStream({
    keyring,
    context: options.context,
    ...(options.frameSize ? { frameSize: options.frameSize } : {}),
  });
  await transfer(transform, { input, output: options.out, mode: 0o644, progress: options.progress });
}
