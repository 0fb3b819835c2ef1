import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
