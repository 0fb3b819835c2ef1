import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, rewrapDirectory, rotateDirectory, TEMP_SUFFIX, type BulkProgress } from '../src/index.js';
import { bytes, TestKms } from './helpers.js';

async function store(files: number, key: TestKms): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'envelope-bulk-'));
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  for (let i = 0; i < files; i++) {
    writeFileSync(join(dir, i % 3 ? 'a/b' : '', `f${i}.env`), await encrypt(bytes(3000, i), { keyring: key, context: { i: String(i) } }));
  }
  return dir;
}

describe('rewrapDirectory', () => {
  it('reports progress for every file, bounds concurrency, and keeps going past failures', async () => {
    const oldKey = new TestKms('old');
    const newKey = new TestKms('new');
    const dir = await store(12, oldKey);
    writeFileSync(join(dir, 'a', 'broken.env'), Buffer.concat([readFileSync(join(dir, 'f0.env')).subarray(0, 500)]));
    writeFileSync(join(dir, 'a', `.leftover${TEMP_SUFFIX}`), 'half a file from a crashed run');
    let inFlight = 0;
    let most = 0;
    const slowNew = {
      providerId: newKey.providerId,
      keyId: newKey.keyId,
      unwrap: newKey.unwrap.bind(newKey),
      wrap: async (...args: Parameters<TestKms['wrap']>) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return newKey.wrap(...args);
      },
    };
    const progress: BulkProgress[] = [];
    const summary = await rewrapDirectory(dir, {
      keyring: oldKey,
      add: [slowNew],
      remove: ['old'],
      concurrency: 3,
      onProgress: (p) => progress.push(p),
    });
    expect(summary.counts).toMatchObject({ rewrapped: 12, failed: 1 });
    expect(summary.results.find((r) => r.status === 'failed')!.path).toContain('broken.env');
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(most).toBe(3);
    for (const result of summary.results.filter((r) => r.status === 'rewrapped')) {
      await decrypt(readFileSync(result.path), { keyring: newKey });
    }
    expect(summary.results.some((r) => r.path.endsWith(TEMP_SUFFIX))).toBe(false);
    expect(existsSync(join(dir, 'a', `.leftover${TEMP_SUFFIX}`))).toBe(false);
  });

  it('makes no key-service call for files already done, nor in a dry run', async () => {
    const key = new TestKms('k');
    const extra = new TestKms('extra');
    const dir = await store(5, key);
    const dry = await rewrapDirectory(dir, { keyring: key, add: [extra], dryRun: true });
    expect(dry.counts['would-change']).toBe(5);
    expect(key.calls.unwrap + extra.calls.wrap).toBe(0);
    await rewrapDirectory(dir, { keyring: key, add: [extra] });
    const unwraps = key.calls.unwrap;
    const again = await rewrapDirectory(dir, { keyring: key, add: [extra] });
    expect(again.counts.unchanged).toBe(5);
    expect(key.calls.unwrap).toBe(unwraps);
  });
});

describe('rotateDirectory', () => {
  it('rotates files the old key wrapped and skips them on a rerun', async () => {
    const oldKey = new TestKms('old');
    const newKey = new TestKms('new');
    const dir = await store(4, oldKey);
    expect((await rotateDirectory(dir, { keyring: [oldKey], newKeyring: newKey })).counts.rotated).toBe(4);
    expect((await rotateDirectory(dir, { keyring: [oldKey], newKeyring: newKey })).counts.unchanged).toBe(4);
    const { plaintext } = await decrypt(readFileSync(join(dir, 'f0.env')), { keyring: newKey });
    expect(Buffer.from(plaintext).equals(bytes(3000, 0))).toBe(true);
  });
});
