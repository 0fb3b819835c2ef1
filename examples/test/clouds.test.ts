import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCloud, azureCloud, gcpCloud, vaultCloud, type Cloud } from './clouds.js';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const clouds: Cloud[] = [];

beforeAll(async () => {
  clouds.push(await awsCloud(), await gcpCloud(), await azureCloud(), await vaultCloud());
});
afterAll(async () => {
  await Promise.all(clouds.map((cloud) => cloud.close()));
});

const envFor = (...used: Cloud[]) => ({
  ...process.env,
  ...Object.assign({}, ...used.map((cloud) => cloud.env)),
  ENVELOPE_KEYS: used.map((cloud) => cloud.uri).join(','),
  ENVELOPE_CONFIG: '',
});

describe('config-switch, against each emulated key service', { timeout: 60_000 }, () => {
  it.each(['awskms', 'gcpkms', 'azurekeyvault', 'vault'])('writes and reads records with ENVELOPE_KEYS naming a %s key', async (name) => {
    const cloud = clouds.find((c) => c.name === name)!;
    const dir = join(await mkdtemp(join(tmpdir(), `config-switch-${name}-`)), 'records');
    const env = envFor(cloud);
    const before = cloud.requests();
    await run(process.execPath, [here('config-switch/index.mjs'), 'write', dir], { env });
    const { stdout } = await run(process.execPath, [here('config-switch/index.mjs'), 'read', dir], { env });
    expect(stdout).toContain('r3 Grace Hopper 3782 822463 10005');
    expect(cloud.requests()).toBeGreaterThan(before);
  });
});

describe('multi-cloud', { timeout: 60_000 }, () => {
  it('wraps under two clouds at once and decrypts while either one is down', async () => {
    const [aws, gcp] = clouds as [Cloud, Cloud];
    const file = join(await mkdtemp(join(tmpdir(), 'multi-cloud-')), 'message.env');
    const env = envFor(aws, gcp);
    const sealed = await run(process.execPath, [here('multi-cloud/index.mjs'), 'seal', file, 'two clouds, one envelope'], { env });
    expect(sealed.stdout).toBe('sealed under 2 keys: awskms + gcpkms\n');
    for (const down of [aws, gcp]) {
      await down.goOffline();
      try {
        const { stdout } = await run(process.execPath, [here('multi-cloud/index.mjs'), 'open', file], { env });
        expect(stdout).toBe('two clouds, one envelope\n');
      } finally {
        await down.goOnline();
      }
    }
  });
});
