import { readdir, rm } from 'node:fs/promises';
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
 * Runs `processFile` over every regular file under `dir` (recursively, in
 * sorted order) with bounded concurrency, collecting one result per file; a
 * failure on one file does not stop the others. Temporary files an
 * interrupted run left behind are removed first (unless dry run).
 */
export async function bulkRun(
  dir: string,
  options: BulkOptions,
  processFile: (path: string) => Promise<BulkFileResult>,
): Promise<BulkSummary> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const files = await listFiles(dir, options.dryRun ?? false);
  const results: BulkFileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < files.length; index = next++) {
      const path = files[index]!;
      const result = await processFile(path).catch((error: unknown) => ({
        path,
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

async function listFiles(dir: string, dryRun: boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `cannot read the directory ${dir}`, { cause });
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (entry.name.endsWith(TEMP_SUFFIX)) {
      if (!dryRun) await rm(path, { force: true });
      continue;
    }
    files.push(path);
  }
  return files.sort();
}
