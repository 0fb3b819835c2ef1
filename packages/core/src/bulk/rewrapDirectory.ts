import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomically } from '../io/atomicFile.js';
import { keyLabel } from '../keyring/keyWrapper.js';
import type { EnvelopeInfo } from '../message/inspect.js';
import { rewrapStream } from '../rewrap/rewrap.js';
import { planKeyChanges, type KeyChanges } from '../rewrap/rewrapHeader.js';
import type { RewrapOptions } from '../rewrap/rewrapSession.js';
import { bulkRun, type BulkFileResult, type BulkOptions, type BulkSummary } from './bulkRun.js';
import { readHeader } from './readHeader.js';

export interface BulkRewrapOptions extends RewrapOptions, BulkOptions {}

/**
 * Rewraps the envelope at `path`, or every envelope under it. Each file is replaced atomically
 * (temporary file, fsync, rename), so a crash leaves every file either as it
 * was or fully rewrapped, and both open. Runs are idempotent: a file already
 * in the wanted state is skipped from its header alone, without a key-service
 * call, which is how a rerun resumes an interrupted one. Files that are not
 * envelopes are listed and left alone.
 */
export function rewrapDirectory(path: string, options: BulkRewrapOptions): Promise<BulkSummary> {
  return bulkRun(path, options, (file) => rewrapFile(file, options));
}

async function rewrapFile(path: string, options: BulkRewrapOptions): Promise<BulkFileResult> {
  const info = await readHeader(path, options.limits);
  if (!info) return { path, status: 'not-an-envelope' };
  const planned = plan(info, options);
  if (!planned) return { path, status: 'unchanged' };
  if (options.dryRun) return { path, status: 'would-change', ...planned };
  const mode = (await stat(path)).mode & 0o777;
  const stream = rewrapStream(options);
  await writeFileAtomically(path, mode, (sink) => pipeline(createReadStream(path), stream, sink));
  const { added, removed, refreshed, changed } = await stream.report;
  return { path, status: changed ? 'rewrapped' : 'unchanged', added, removed, refreshed };
}

/** What a rewrap would change, judged from the header alone; undefined for nothing. */
function plan(info: EnvelopeInfo, changes: KeyChanges): { added: string[]; removed: string[]; refreshed: string[] } | undefined {
  const { removed, toAdd, toRefresh } = planKeyChanges(info.wrappedKeys, changes);
  if (removed.length + toAdd.length + toRefresh.length === 0) return undefined;
  return { added: toAdd.map(keyLabel), removed: removed.map(keyLabel), refreshed: toRefresh.map(keyLabel) };
}
