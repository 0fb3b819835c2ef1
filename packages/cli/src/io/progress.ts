import { SingleBar } from 'cli-progress';
import { Transform } from 'node:stream';

export interface ProgressMeter {
  /** Passes bytes through, counting them. */
  readonly stream: Transform;
  stop(): void;
}

/** A progress bar on stderr, or nothing when stderr is not a terminal or the size is unknown. */
export function progressMeter(totalBytes: number | undefined): ProgressMeter | undefined {
  if (!process.stderr.isTTY || totalBytes === undefined || totalBytes === 0) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: ' {bar} {percentage}% | {value}/{total} MiB | {eta_formatted}',
    formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? (value / 1048576).toFixed(1) : String(value)),
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(totalBytes, 0);
  let done = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar.update(done);
      callback(null, chunk);
    },
  });
  return { stream, stop: () => bar.stop() };
}
