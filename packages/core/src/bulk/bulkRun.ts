import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { TEMP_SUFFIX } from '../io/atomicFile.js';

export type BulkFileStatus = 'rewrapped' | 'rotated' | 'unchanged' | 'would-change' | 'not-an-envelope' | 'failed';

export interface BulkFileResult {
  readonly path: string;
  readonly status: BulkFileStatus;
  /** Keys added/removed/refreshed (`providerId:keyId`), where known. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly refreshed?: readonly string[];
  readonly error?: Error;
}

export interface BulkProgress {
  readonly done: number;
  readonly total: number;
  readonly last: BulkFileResult;
}

export interface BulkOptions {
  /** Files processed at once (default 4). */
  readonly concurrency?: number;
  /** Read headers only and report what would change; touch nothing, call no key service. */
  readonly dryRun?: boolean;
  readonly onProgress?: (progress: BulkProgress) => void;
}

export interface BulkSummary {
  readonly total: number;
  readonly counts: Readonly<Record<BulkFileStatus, number>>;
  readonly results: readonly BulkFileResult[];
}

/**
 * Runs `processFile` over `path` if it is a file, else over every regular
 * file under it (recursively, in sorted order) with bounded concurrency, collecting one result per file; a
 * failure on one file does not stop the others. Temporary files an
 * interrupted run left behind are removed first (unless dry run).
 */
export async function bulkRun(
  path: string,
  options: BulkOptions,
  processFile: (path: string) => Promise<BulkFileResult>,
): Promise<BulkSummary> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const files = await listFiles(path, options.dryRun ?? false);
  const results: BulkFileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < files.length; index = next++) {
      const file = files[index]!;
      const result = await processFile(file).catch((error: unknown) => ({
        path: file,
        status: 'failed' as const,
        error: error instanceof Error ? error : new Error(String(error)),
      }));
      results[index] = result;
      options.onProgress?.({ done: ++done, total: files.length, last: result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  const counts: Record<BulkFileStatus, number> = { rewrapped: 0, rotated: 0, unchanged: 0, 'would-change': 0, 'not-an-envelope': 0, failed: 0 };
  for (const result of results) counts[result.status]++;
  return { total: files.length, counts, results };
}

async function listFiles(path: string, dryRun: boolean): Promise<string[]> {
  let entries;
  try {
    if ((await stat(path)).isFile()) return [path];
    entries = await readdir(path, { recursive: true, withFileTypes: true });
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `cannot read ${path}`, { cause });
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if (entry.name.endsWith(TEMP_SUFFIX)) {
      if (!dryRun) await rm(file, { force: true });
      continue;
    }
    files.push(file);
  }
  return files.sort();
}
