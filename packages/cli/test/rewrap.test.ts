import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt, encrypt, inspect, TEMP_SUFFIX } from '@envelope-kit/core';
import { loadLocalKey } from '@envelope-kit/provider-local';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { BIN, envelope } from './run.js';

let dir: string;
const keyIds: Record<string, string> = {};
const FILES = 40;
const originals = new Map<string, Buffer>();

const bodyOf = async (bytes: Buffer) => bytes.subarray((await inspect(bytes)).headerLength);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'envelope-rewrap-'));
  for (const name of ['old', 'new']) {
    const result = await envelope(dir, ['keygen', '--out', `${name}.pem`, '--bits', '2048']);
    keyIds[name] = /key id\s+(\S+)/.exec(result.stdout.toString())![1]!;
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory of envelopes under the old key (nested), plus a file that is not an envelope. */
async function makeStore(name: string, size = 20_000): Promise<string> {
  const store = join(dir, name);
  const oldKey = await loadLocalKey(join(dir, 'old.pem'));
  mkdirSync(join(store, 'nested'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const path = join(store, i % 2 ? 'nested' : '', `record-${i}`);
    const plaintext = randomBytes(size);
    originals.set(`${path}.env`, plaintext);
    writeFileSync(`${path}.env`, await encrypt(plaintext, { keyring: oldKey, context: { record: String(i) }, frameSize: 16384 }));
  }
  writeFileSync(join(store, 'README.txt'), 'not an envelope');
  return store;
}

const envelopes = (store: string) =>
  readdirSync(store, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.env'))
    .map((e) => join(e.parentPath, e.name));

async function allOpenWithNewKeyOnly(store: string): Promise<void> {
  const [oldKey, newKey] = await Promise.all([loadLocalKey(join(dir, 'old.pem')), loadLocalKey(join(dir, 'new.pem'))]);
  const paths = envelopes(store);
  expect(paths).toHaveLength(FILES);
  for (const path of paths) {
    const bytes = readFileSync(path);
    expect(Buffer.from((await decrypt(bytes, { keyring: newKey })).plaintext).equals(originals.get(path)!)).toBe(true);
    await expect(decrypt(bytes, { keyring: oldKey })).rejects.toMatchObject({ code: 'NO_MATCHING_KEY' });
  }
  expect(readdirSync(store, { recursive: true }).filter((name) => String(name).endsWith(TEMP_SUFFIX))).toEqual([]);
}

describe('envelope rewrap', () => {
  it('replaces the key of every envelope under a directory, keeping bodies byte-identical, and prints a summary', async () => {
    const store = await makeStore('store');
    const before = new Map(await Promise.all(envelopes(store).map(async (p) => [p, await bodyOf(readFileSync(p))] as const)));
    const result = await envelope(dir, ['rewrap', '--in', store, '-k', 'local:old.pem', '--add', 'local:new.pub.pem', '--remove', keyIds.old!]);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout.toString();
    expect(out).toContain(`${FILES + 1} files: ${FILES} rewrapped, 1 not-an-envelope`);
    expect(out).toContain(`+local:${keyIds.new}`);
    expect(out).toContain(`-local:${keyIds.old}`);
    for (const [path, body] of before) expect((await bodyOf(readFileSync(path))).equals(body)).toBe(true);
    await allOpenWithNewKeyOnly(store);
    expect(readFileSync(join(store, 'README.txt'), 'utf8')).toBe('not an envelope');
    // Idempotent: a second run has nothing to do.
    const again = await envelope(dir, ['rewrap', '--in', store, '-k', 'local:new.pem', '--add', 'local:new.pub.pem', '--remove', keyIds.old!]);
    expect(again.stdout.toString()).toContain(`${FILES + 1} files: ${FILES} unchanged, 1 not-an-envelope`);
  });

  it('lists what would change in a dry run and changes nothing', async () => {
    const store = await makeStore('dry');
    const before = envelopes(store).map((p) => readFileSync(p));
    const result = await envelope(dir, ['rewrap', '--in', store, '-k', 'local:old.pem', '--add', 'local:new.pub.pem', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain(`${FILES} would-change`);
    expect(envelopes(store).map((p) => readFileSync(p))).toEqual(before);
  });

  it('finishes with every file valid when a run is killed midway and run again', async () => {
    const store = await makeStore('crash', 200_000);
    const args = ['rewrap', '--in', store, '-k', 'local:old.pem', '--add', 'local:new.pub.pem', '--remove', keyIds.old!, '--concurrency', '1'];
    // Kill -9 as soon as the first file has been replaced. One file at a time, in sorted
    // order: watching the first one alone keeps the watcher quick, so the kill lands early.
    const first = [...envelopes(store)].sort()[0]!;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'ignore' });
    const firstNew = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const changed = readFileSync(first).includes(Buffer.from(keyIds.new!));
        if (changed) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    await firstNew;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const mixed = envelopes(store).map((p) => readFileSync(p).includes(Buffer.from(keyIds.new!)));
    expect(mixed.some(Boolean)).toBe(true);
    expect(mixed.every(Boolean)).toBe(false);
    const rerun = await envelope(dir, args);
    expect(rerun.code, rerun.stderr).toBe(0);
    await allOpenWithNewKeyOnly(store);
  });

  it('rewraps a single file in place, and reports a file it cannot open', async () => {
    const store = await makeStore('single');
    const file = envelopes(store)[0]!;
    const ok = await envelope(dir, ['rewrap', '--in', file, '-k', 'local:old.pem', '--add', 'local:new.pub.pem']);
    expect(ok.stdout.toString()).toContain('1 files: 1 rewrapped');
    const wrongKey = await envelope(dir, ['rewrap', '--in', envelopes(store)[1]!, '-k', 'local:new.pem', '--add', 'local:new.pub.pem']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout.toString()).toMatch(/failed .*\[NO_MATCHING_KEY\]/);
  });
});

describe('envelope rotate', () => {
  it('re-encrypts under a new data key and key, and a rerun skips what is done', async () => {
    const store = await makeStore('rotate');
    const before = new Map(await Promise.all(envelopes(store).map(async (p) => [p, (await inspect(readFileSync(p))).messageId] as const)));
    const result = await envelope(dir, ['rotate', '--in', store, '-k', 'local:old.pem', '--new-key', 'local:new.pub.pem']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.toString()).toContain(`${FILES} rotated`);
    for (const [path, messageId] of before) expect((await inspect(readFileSync(path))).messageId).not.toBe(messageId);
    await allOpenWithNewKeyOnly(store);
    const again = await envelope(dir, ['rotate', '--in', store, '-k', 'local:old.pem', '--new-key', 'local:new.pub.pem']);
    expect(again.stdout.toString()).toContain(`${FILES} unchanged`);
  });
});
