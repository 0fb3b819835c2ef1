import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

/** Temporary files end with this, so an interrupted run's leftovers can be found and removed. */
export const TEMP_SUFFIX = '.envelope-tmp';

const pending = new Set<string>();

/** Paths of temporary files being written right now (for a Ctrl-C handler to remove). */
export function pendingTempFiles(): readonly string[] {
  return [...pending];
}

/**
 * Lets `produce` write to a temporary file beside `path`, then syncs it and
 * renames it over `path` only if `produce` succeeded; deletes it otherwise.
 * So `path` only ever holds a complete result: the old file or the new one,
 * never half of either, even if the process dies midway.
 */
export async function writeFileAtomically(path: string, mode: number, produce: (sink: Writable) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  pending.add(temp);
  try {
    await produce(createWriteStream(temp, { flags: 'wx', mode }));
    // The data must be on disk before the rename makes it visible.
    const handle = await open(temp, 'r+');
    await handle.sync().finally(() => handle.close());
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    pending.delete(temp);
  }
}
