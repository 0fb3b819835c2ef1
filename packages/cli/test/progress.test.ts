import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envelope } from './run.js';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'envelope-progress-'));
  writeFileSync(join(dir, 'big.bin'), randomBytes(24 * 1024 * 1024));
  expect((await envelope(dir, ['keygen', '--out', 'k.pem', '--bits', '2048'])).code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI under a pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function onTerminal(args: string): string {
  return execFileSync('script', ['-qec', `${process.execPath} ${BIN} ${args}`, '/dev/null'], { cwd: dir }).toString();
}

describe('progress bar', () => {
  it('is drawn on stderr when it is a terminal', () => {
    const screen = onTerminal('encrypt --key local:k.pub.pem --out big.env big.bin');
    expect(screen).toContain('100% | 24.0/24.0 MiB');
  });

  it('is not drawn with --no-progress', () => {
    expect(onTerminal('encrypt --no-progress --key local:k.pub.pem --out big2.env big.bin')).not.toContain('MiB');
  });

  it('is not drawn when stderr is not a terminal', async () => {
    const result = await envelope(dir, ['encrypt', '--key', 'local:k.pub.pem', '--out', 'big3.env', 'big.bin']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});
