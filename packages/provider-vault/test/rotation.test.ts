import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vaultKeyVersion } from '../src/index.js';
import { startVault, type KeySpec, type VaultFixture } from './support.js';

const CONTEXT = { tenant: 'rotation', 部门: '研发' };

// One key of each binding; the rewrap path differs (Vault's rewrap takes no associated_data).
const KINDS: ReadonlyArray<readonly [string, KeySpec, { readonly rewrap: number; readonly decrypt: number; readonly encrypt: number }]> = [
  ['aes256-gcm96 (associated_data)', {}, { rewrap: 0, decrypt: 1, encrypt: 1 }],
  ['derived aes256-gcm96 (context)', { derived: true }, { rewrap: 1, decrypt: 0, encrypt: 0 }],
  ['rsa-2048 (none)', { type: 'rsa-2048' }, { rewrap: 1, decrypt: 0, encrypt: 0 }],
];

describe('vault key rotation', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault();
  });
  afterEach(() => {
    fixture.vault.resetRequestCounts();
  });
  afterAll(async () => {
    await fixture.close();
  });

  KINDS.forEach(([kind, spec, rewrapCalls], index) => {
    it(`${kind}: unwraps under the old version after a rotation, and rewraps to the newest`, async () => {
      const name = `rotating-${index}`;
      await fixture.createKey(name, spec);
      const key = fixture.wrapper(`vault://transit/keys/${name}`);
      const dataKey = randomBytes(32);
      const v1 = await key.wrap(dataKey, CONTEXT);
      expect(vaultKeyVersion(v1)).toBe(1);

      await fixture.rotate(name);
      expect(Buffer.from(await key.unwrap(v1, CONTEXT))).toEqual(dataKey);
      expect(vaultKeyVersion(await key.wrap(randomBytes(32), CONTEXT))).toBe(2);
      expect(vaultKeyVersion((await key.generateDataKey(32, CONTEXT)).wrapped)).toBe(2);

      fixture.vault.resetRequestCounts();
      const v2 = await key.rewrap(v1, CONTEXT);
      expect(vaultKeyVersion(v2)).toBe(2);
      expect({ providerId: v2.providerId, keyId: v2.keyId }).toEqual({ providerId: v1.providerId, keyId: v1.keyId });
      expect(fixture.vault.requestCount('rewrap')).toBe(rewrapCalls.rewrap);
      expect(fixture.vault.requestCount('decrypt')).toBe(rewrapCalls.decrypt);
      expect(fixture.vault.requestCount('encrypt')).toBe(rewrapCalls.encrypt);
      expect(Buffer.from(await key.unwrap(v2, CONTEXT))).toEqual(dataKey);
    });
  });

  it('min_decryption_version makes old wrapped keys fail (UNWRAP_FAILED), while rewrapped ones keep working', async () => {
    await fixture.createKey('retiring');
    const key = fixture.wrapper('vault://transit/keys/retiring');
    const dataKey = randomBytes(32);
    const v1 = await key.wrap(dataKey, CONTEXT);
    await fixture.rotate('retiring');
    const v2 = await key.rewrap(v1, CONTEXT);

    await fixture.setMinDecryptionVersion('retiring', 2);
    const error = await expectEnvelopeError(key.unwrap(v1, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(error.message).toContain('disallowed by policy (too old)');
    await expectEnvelopeError(key.rewrap(v1, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(Buffer.from(await key.unwrap(v2, CONTEXT))).toEqual(dataKey);
  });

  it('decrypts an envelope made before a rotation', async () => {
    await fixture.createKey('envelopes', { derived: true });
    const key = fixture.wrapper('vault://transit/keys/envelopes');
    const before = await encrypt('written under version 1', { keyring: key, context: CONTEXT });
    await fixture.rotate('envelopes');
    const after = await encrypt('written under version 2', { keyring: key, context: CONTEXT });
    expect(Buffer.from((await decrypt(before, { keyring: key })).plaintext).toString()).toBe('written under version 1');
    expect(Buffer.from((await decrypt(after, { keyring: key })).plaintext).toString()).toBe('written under version 2');
  });

  it('rewraps only its own wrapped keys, and only under their context where Vault binds it', async () => {
    await fixture.createKey('mine', { derived: true });
    await fixture.createKey('theirs', { derived: true });
    const mine = fixture.wrapper('vault://transit/keys/mine');
    const theirs = await fixture.wrapper('vault://transit/keys/theirs').wrap(randomBytes(32), CONTEXT);
    fixture.vault.resetRequestCounts();
    await expectEnvelopeError(mine.rewrap(theirs, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(fixture.vault.requestCount()).toBe(0);

    const own = await mine.wrap(randomBytes(32), CONTEXT);
    await expectEnvelopeError(mine.rewrap(own, { tenant: 'someone else' }), ErrorCode.UNWRAP_FAILED);
  });
});
