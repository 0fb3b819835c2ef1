import { type BulkFileResult, type BulkProgress, type BulkSummary } from '@envelope-kit/core';
import { SingleBar } from 'cli-progress';
import { describeError } from '../errors.js';

/**
 * Runs a bulk operation with a files-done bar on stderr (when it is a
 * terminal and `progress` is on), prints its summary, and resolves to the
 * exit code: 1 if any file failed.
 */
export async function runBulk(progress: boolean, run: (onProgress?: (progress: BulkProgress) => void) => Promise<BulkSummary>): Promise<number> {
  const bar = fileProgress(progress);
  try {
    const summary = await run(bar.onProgress);
    bar.stop();
    printSummary(summary);
    return summary.counts.failed > 0 ? 1 : 0;
  } finally {
    bar.stop();
  }
}

function fileProgress(enabled: boolean): { onProgress?: (progress: BulkProgress) => void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: ' {bar} {value}/{total} files | {eta_formatted}', hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    onProgress: ({ done, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/** One line per file that changed, would change or failed, then the totals. */
function printSummary(summary: BulkSummary): void {
  const lines = summary.results.filter((r) => r.status !== 'unchanged' && r.status !== 'not-an-envelope').map(describeResult);
  const counts = Object.entries(summary.counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  lines.push(`${summary.total} files: ${counts.length > 0 ? counts.join(', ') : 'nothing to do'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeResult(result: BulkFileResult): string {
  if (result.status === 'failed') {
    return `failed        ${result.path}: ${describeError(result.error)}`;
  }
  const changes = [
    ...(result.added ?? []).map((key) => `+${key}`),
    ...(result.removed ?? []).map((key) => `-${key}`),
    ...(result.refreshed ?? []).map((key) => `~${key}`),
  ];
  return `${result.status.padEnd(13)} ${result.path}${changes.length > 0 ? `  ${changes.join(' ')}` : ''}`;
}
