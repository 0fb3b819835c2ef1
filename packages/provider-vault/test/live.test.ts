import { randomBytes } from 'node:crypto';
import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyWrapper, vaultKeyVersion, type VaultTransitKeyWrapper } from '../src/index.js';
import { localKey } from './support.js';

/**
 * Against a real Vault, only when ENVELOPE_LIVE_VAULT_ADDR is set (with
 * VAULT_TOKEN, and VAULT_NAMESPACE if needed). Transit must be mounted at
 * ENVELOPE_LIVE_VAULT_MOUNT (default `transit`); the token needs create, read,
 * update and delete there. Keys are made with random names and deleted after.
 * A dev server will do: `vault server -dev` then `vault secrets enable transit`.
 */
const address = process.env.ENVELOPE_LIVE_VAULT_ADDR;
const token = process.env.VAULT_TOKEN;
const mount = process.env.ENVELOPE_LIVE_VAULT_MOUNT ?? 'transit';
const namespace = process.env.VAULT_NAMESPACE || undefined;
const live = address !== undefined && address !== '' && token !== undefined && token !== '';
if (!live) {
  console.log('provider-vault live tests skipped: set ENVELOPE_LIVE_VAULT_ADDR and VAULT_TOKEN to run them against a real Vault');
}

const run = `envelope-kit-live-${randomBytes(4).toString('hex')}`;
const created: string[] = [];

function admin(): ReturnType<typeof nodeVault> {
  return nodeVault({ apiVersion: 'v1', endpoint: address!, token: token!, ...(namespace === undefined ? {} : { namespace }) });
}

async function liveKey(suffix: string, body: Record<string, unknown>): Promise<VaultTransitKeyWrapper> {
  const name = `${run}-${suffix}`;
  await admin().write(`${mount}/keys/${name}`, body);
  created.push(name);
  return createKeyWrapper(`vault://${mount}/keys/${name}`, { address: address!, token: token! });
}

async function deleteKeys(): Promise<void> {
  for (const name of created.splice(0)) {
    await admin().write(`${mount}/keys/${name}/config`, { deletion_allowed: true });
    await admin().delete(`${mount}/keys/${name}`);
  }
}

describe.skipIf(!live)('provider-vault against a live Vault', () => {
  describeKeyWrapperConformance('vault aes256-gcm96, live', {
    bindsContext: true,
    timeoutMs: 60_000,
    concurrency: 20,
    async setup() {
      return { keyA: await liveKey('aes-a', {}), keyB: await liveKey('aes-b', {}), companion: await localKey() };
    },
  });

  describeKeyWrapperConformance('vault derived aes256-gcm96, live', {
    bindsContext: true,
    timeoutMs: 60_000,
    concurrency: 20,
    async setup() {
      return { keyA: await liveKey('derived-a', { derived: true }), keyB: await liveKey('derived-b', { derived: true }) };
    },
  });

  describe('rotation', () => {
    let key: VaultTransitKeyWrapper;
    beforeAll(async () => {
      key = await liveKey('rotating', { derived: true });
    }, 60_000);
    afterAll(deleteKeys, 60_000);

    it('unwraps after a rotation and rewraps to the newest version', async () => {
      const dataKey = randomBytes(32);
      const v1 = await key.wrap(dataKey, { live: 'yes' });
      await admin().write(`${mount}/keys/${key.name}/rotate`, {});
      expect(Buffer.from(await key.unwrap(v1, { live: 'yes' }))).toEqual(dataKey);
      const rewrapped = await key.rewrap(v1, { live: 'yes' });
      expect(vaultKeyVersion(rewrapped)).toBe(vaultKeyVersion(v1) + 1);
      expect(Buffer.from(await key.unwrap(rewrapped, { live: 'yes' }))).toEqual(dataKey);
    }, 60_000);
  });
});
