import { execFile } from 'node:child_process';
import { mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLocalKey } from '@envelope-kit/provider-local';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

describe('examples', () => {
  it('quickstart encrypts and decrypts a message with a local key', async () => {
    const { stdout } = await run(process.execPath, [here('quickstart/index.mjs')]);
    expect(stdout).toMatch(/^\d+-byte envelope -> "the launch code is 0000" \(context \{"app":"quickstart"\}\)\n$/);
  });

  it("the README's demo runs to the end", async () => {
    const { stdout } = await run('bash', [here('demo.sh')], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain('round trip OK');
    expect(stdout).toContain('tampered envelope rejected; no output file was written');
    expect(stdout).toContain('demo finished');
  }, 60_000);
});

describe('config-switch, with local keys', () => {
  it('writes records under ENVELOPE_KEYS and reads them back, and a swapped file fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-switch-'));
    const { privateKeyPath } = await generateLocalKey({ privateKeyPath: join(dir, 'key.pem'), modulusLength: 2048 });
    const env = { ...process.env, ENVELOPE_KEYS: `local:${privateKeyPath}` };
    const records = join(dir, 'records');
    await run(process.execPath, [here('config-switch/index.mjs'), 'write', records], { env });
    const { stdout } = await run(process.execPath, [here('config-switch/index.mjs'), 'read', records], { env });
    expect(stdout).toBe('r1 Ada Lovelace 4242 4242 4242 4242\nr2 Alan Turing 5555 5555 5555 4444\nr3 Grace Hopper 3782 822463 10005\n');
    // Swap two records' files: each is bound to its record id by the context.
    await rename(join(records, 'r1.env'), join(records, 'tmp'));
    await rename(join(records, 'r2.env'), join(records, 'r1.env'));
    const failed = await run(process.execPath, [here('config-switch/index.mjs'), 'read', records], { env }).catch((e: { stderr: string }) => e);
    expect((failed as { stderr: string }).stderr).toContain('CONTEXT_MISMATCH');
  });

  it('refuses to start without keys, naming the setting', async () => {
    const env = { ...process.env, ENVELOPE_KEYS: '', ENVELOPE_CONFIG: '' };
    const failed = await run(process.execPath, [here('config-switch/index.mjs'), 'read', tmpdir()], { env }).catch((e: { stderr: string }) => e);
    expect((failed as { stderr: string }).stderr).toContain('keys');
  });
});

describe('tsyringe', () => {
  it('resolves the envelope service from a child container', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsyringe-'));
    const { privateKeyPath } = await generateLocalKey({ privateKeyPath: join(dir, 'key.pem'), modulusLength: 2048 });
    const { stdout } = await run(process.execPath, [here('tsyringe/index.mjs')], {
      env: { ...process.env, ENVELOPE_KEYS: `local:${privateKeyPath}` },
    });
    expect(stdout).toMatch(/^sealed \d+ bytes; opened: "meet at noon"\n$/);
  });
});
