import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EnvelopeError, ErrorCode, isEnvelopeError } from '../errors.js';
import { TEMP_SUFFIX, writeFileAtomically } from '../io/atomicFile.js';
import { keyLabel, wrapperMatches } from '../keyring/keyWrapper.js';
import { inspect, type EnvelopeInfo } from '../message/inspect.js';
import { rewrapStream } from '../rewrap/rewrap.js';
import { selects, type KeyChanges } from '../rewrap/rewrapHeader.js';
import type { RewrapOptions } from '../rewrap/rewrapSession.js';

export type BulkFileStatus = 'rewrapped' | 'unchanged' | 'would-change' | 'not-an-envelope' | 'failed';

export interface BulkFileResult {
  readonly path: string;
  readonly status: BulkFileStatus;
  /** Keys added/removed/refreshed (for rewrapped and would-change files). */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly refreshed?: readonly string[];
  readonly error?: EnvelopeError | Error;
}

export interface BulkProgress {
  readonly done: number;
  readonly total: number;
  readonly last: BulkFileResult;
}

export interface BulkRewrapOptions extends RewrapOptions {
  /** Files rewrapped at once (default 4). */
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
 * Rewraps every envelope under `dir` (recursively), with bounded concurrency.
 * Each file is replaced atomically (temporary file, fsync, rename), so a crash
 * leaves every file either as it was or fully rewrapped, and both open. Runs
 * are idempotent: a rerun skips files already in the wanted state without a
 * key-service call, which is how an interrupted run resumes. Temporary files
 * left by a crash are removed first. Files that are not envelopes are listed
 * and left alone; a failure on one file does not stop the others.
 */
export async function rewrapDirectory(dir: string, options: BulkRewrapOptions): Promise<BulkSummary> {
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
      const result = await processFile(files[index]!, options);
      results[index] = result;
      options.onProgress?.({ done: ++done, total: files.length, last: result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  const counts = { rewrapped: 0, unchanged: 0, 'would-change': 0, 'not-an-envelope': 0, failed: 0 };
  for (const result of results) counts[result.status]++;
  return { total: files.length, counts, results };
}

async function processFile(path: string, options: BulkRewrapOptions): Promise<BulkFileResult> {
  try {
    let info: EnvelopeInfo;
    try {
      info = await inspect(createReadStream(path), { scanBody: false, ...(options.limits ? { limits: options.limits } : {}) });
    } catch (error) {
      if (isEnvelopeError(error, ErrorCode.MALFORMED) && error.message.startsWith('not an Envelope Kit envelope')) {
        return { path, status: 'not-an-envelope' };
      }
      throw error;
    }
    const planned = plan(info, options);
    if (!planned.changes) return { path, status: 'unchanged' };
    if (options.dryRun) return { path, status: 'would-change', ...planned.keys };
    const mode = (await stat(path)).mode & 0o777;
    const stream = rewrapStream(options);
    await writeFileAtomically(path, mode, (sink) => pipeline(createReadStream(path), stream, sink));
    const report = await stream.report;
    return { path, status: 'rewrapped', added: report.added, removed: report.removed, refreshed: report.refreshed };
  } catch (error) {
    return { path, status: 'failed', error: error as Error };
  }
}

/** What a rewrap would change, judged from the header alone. */
function plan(info: EnvelopeInfo, changes: KeyChanges): { changes: boolean; keys: { added: string[]; removed: string[]; refreshed: string[] } } {
  const removed = info.wrappedKeys.filter((wrapped) => (changes.remove ?? []).some((selector) => selects(selector, wrapped)));
  const kept = info.wrappedKeys.filter((wrapped) => !removed.includes(wrapped));
  const added = (changes.add ?? []).filter((wrapper) => !kept.some((wrapped) => wrapperMatches(wrapper, wrapped)));
  // Native refresh (newest key version) cannot be judged from the header: always attempt it.
  const refreshed = kept.filter((wrapped) => (changes.refresh ?? []).some((wrapper) => wrapper.rewrap && wrapperMatches(wrapper, wrapped)));
  return {
    changes: removed.length + added.length + refreshed.length > 0,
    keys: { added: added.map(keyLabel), removed: removed.map(keyLabel), refreshed: refreshed.map(keyLabel) },
  };
}

/** Regular files under `dir`, sorted; removes temporary files an interrupted run left (unless dry run). */
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
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (entry.name.endsWith(TEMP_SUFFIX)) {
      if (!dryRun) await rm(path, { force: true });
      continue;
    }
    files.push(path);
  }
  return files.sort();
}
