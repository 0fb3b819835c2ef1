import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable, Transform, Writable } from 'node:stream';
import { writeFileAtomically } from '@envelope-kit/core';
import { pipeline } from 'node:stream/promises';
import { progressMeter } from './progress.js';

export interface TransferOptions {
  /** Input file; standard input when absent or "-". */
  readonly input?: string | undefined;
  /** Output file; standard output when absent or "-". */
  readonly output?: string | undefined;
  /** File mode for a new output file. */
  readonly mode: number;
  /** Show a progress bar (only drawn when stderr is a terminal and the size is known). */
  readonly progress: boolean;
}

const isStdio = (path: string | undefined): path is undefined | '-' => path === undefined || path === '-';

/**
 * Streams input through `transform` to the output in constant memory. A file
 * output appears only when the whole transfer succeeded.
 */
export async function transfer(transform: Transform, options: TransferOptions): Promise<void> {
  // Stat first: a missing input is one clear error before any stream exists to emit it again.
  const size = isStdio(options.input) ? undefined : (await stat(options.input)).size;
  const input: Readable = isStdio(options.input) ? process.stdin : createReadStream(options.input);
  const meter = options.progress ? progressMeter(size) : undefined;
  const stages = (sink: Writable, end: boolean) =>
    pipeline([input, ...(meter ? [meter.stream] : []), transform, sink], { end });
  try {
    if (isStdio(options.output)) {
      await stages(process.stdout, false);
    } else {
      await writeFileAtomically(options.output, options.mode, (sink) => stages(sink, true));
    }
  } finally {
    meter?.stop();
  }
}
