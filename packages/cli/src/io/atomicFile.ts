import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

const pendingTemps = new Set<string>();

/** Removes temporary files of a command that was interrupted (Ctrl-C). */
export async function removePendingTemps(): Promise<void> {
  await Promise.all([...pendingTemps].map((path) => rm(path, { force: true })));
}

/**
 * Lets `produce` write to a temporary file beside `path`, then syncs it and
 * renames it over `path` only if `produce` succeeded; deletes it otherwise.
 * So `path` never holds a partial or unauthenticated result.
 */
export async function writeAtomically(path: string, mode: number, produce: (sink: Writable) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  pendingTemps.add(temp);
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
    pendingTemps.delete(temp);
  }
}
