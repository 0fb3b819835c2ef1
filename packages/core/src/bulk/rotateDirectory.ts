import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomically } from '../io/atomicFile.js';
import { keyLabel, wrapperMatches, type KeyWrapper } from '../keyring/keyWrapper.js';
import { rotateStream, type RotateOptions } from '../rewrap/rotate.js';
import { bulkRun, type BulkFileResult, type BulkOptions, type BulkSummary } from './bulkRun.js';
import { readHeader } from './readHeader.js';

export interface BulkRotateOptions extends Omit<RotateOptions, 'keyring'>, BulkOptions {
  /** The keys to rotate away from: files none of these wrapped are left alone. */
  readonly keyring: readonly KeyWrapper[];
}

/**
 * Rotates the envelope at `path`, or every envelope under it, that one of `keyring`'s keys wrapped:
 * new data key, new body, wrapped under `newKeyring`, each file replaced
 * atomically. A rotated file is no longer wrapped by the old keys (when the
 * new keys differ), so a rerun skips it and resumes where a crash stopped.
 */
export function rotateDirectory(path: string, options: BulkRotateOptions): Promise<BulkSummary> {
  return bulkRun(path, options, (file) => rotateFile(file, options));
}

async function rotateFile(path: string, options: BulkRotateOptions): Promise<BulkFileResult> {
  const info = await readHeader(path, options.limits);
  if (!info) return { path, status: 'not-an-envelope' };
  const oldKeys = info.wrappedKeys.filter((wrapped) => options.keyring.some((wrapper) => wrapperMatches(wrapper, wrapped)));
  if (oldKeys.length === 0) return { path, status: 'unchanged' };
  if (options.dryRun) return { path, status: 'would-change', removed: info.wrappedKeys.map(keyLabel) };
  const mode = (await stat(path)).mode & 0o777;
  await writeFileAtomically(path, mode, (sink) => pipeline(createReadStream(path), rotateStream(options), sink));
  return { path, status: 'rotated', removed: info.wrappedKeys.map(keyLabel) };
}
