import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary, run as a user would run it. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface RunResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * Runs `envelope ...args` in `cwd`, feeding `stdin`, with `env` added to the
 * environment (endpoints and credentials of emulators), and never rejects.
 */
export function envelope(cwd: string, args: string[], stdin?: Uint8Array, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, ...env }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
    child.stdin!.end(stdin ?? Buffer.alloc(0));
  });
}
