import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode, wrapperMatches } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_HOST, startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'rotation' };

describe('azurekeyvault key versions: envelopes survive rotation', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('records the full versioned key id, on the URI vault, whatever URL the requests went to', async () => {
    const v1 = await fixture.createKey('recorded');
    const key = await fixture.wrapper(fixture.uri('recorded'));
    expect(key.keyId).toBe(`https://${VAULT_HOST}/keys/recorded`);
    const wrapped = await key.wrap(randomBytes(32), CONTEXT);
    expect(wrapped.keyId).toBe(`https://${VAULT_HOST}/keys/recorded/${v1.properties.version}`);
  });

  it('unwraps an old version after a new one was created, and wraps new data keys with the new one', async () => {
    const v1 = await fixture.createKey('rotating');
    // No caching of the current version, so the rotation is seen at once.
    const key = await fixture.wrapper(fixture.uri('rotating'), { keyCacheTtlMs: 0 });
    const dataKey = randomBytes(32);
    const old = await key.wrap(dataKey, CONTEXT);
    const envelope = await encrypt('written before the rotation', { keyring: key, context: CONTEXT });

    const v2 = await fixture.createKey('rotating');
    expect(v2.properties.version).not.toBe(v1.properties.version);

    expect(Buffer.from(await key.unwrap(old, CONTEXT))).toEqual(dataKey);
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).toString()).toBe('written before the rotation');
    const fresh = await key.wrap(dataKey, CONTEXT);
    expect(fresh.keyId).toBe(`https://${VAULT_HOST}/keys/rotating/${v2.properties.version}`);
    expect(Buffer.from(await key.unwrap(fresh, CONTEXT))).toEqual(dataKey);
    // A wrapper made after the rotation still claims, and opens, the old envelope.
    const later = await fixture.wrapper(fixture.uri('rotating'));
    expect(wrapperMatches(later, old)).toBe(true);
    expect(Buffer.from(await later.unwrap(old, CONTEXT))).toEqual(dataKey);
  });

  it('keeps wrapping with the cached version until keyCacheTtlMs passes', async () => {
    const v1 = await fixture.createKey('cached');
    const key = await fixture.wrapper(fixture.uri('cached'));
    expect((await key.wrap(randomBytes(32), CONTEXT)).keyId).toMatch(new RegExp(`/${v1.properties.version}$`));
    await fixture.createKey('cached');
    expect((await key.wrap(randomBytes(32), CONTEXT)).keyId, 'the default TTL is minutes').toMatch(new RegExp(`/${v1.properties.version}$`));
  });

  it('pins a version when the URI names one: wraps with it after rotation, and claims only it', async () => {
    const v1 = await fixture.createKey('pinned');
    const v2 = await fixture.createKey('pinned');
    const pinned = await fixture.wrapper(fixture.uri('pinned', v1.properties.version!));
    const byV1 = await pinned.wrap(randomBytes(32), CONTEXT);
    expect(byV1.keyId).toBe(`https://${VAULT_HOST}/keys/pinned/${v1.properties.version}`);

    const current = await fixture.wrapper(fixture.uri('pinned'));
    const byV2 = await current.wrap(randomBytes(32), CONTEXT);
    expect(byV2.keyId).toBe(`https://${VAULT_HOST}/keys/pinned/${v2.properties.version}`);
    expect(wrapperMatches(current, byV1), 'an unpinned wrapper claims every version').toBe(true);
    expect(wrapperMatches(pinned, byV2), 'a pinned wrapper claims its version only').toBe(false);
    await expectEnvelopeError(pinned.unwrap(byV2, CONTEXT), ErrorCode.UNWRAP_FAILED);
  });

  it('claims nothing of another key, vault or provider, nor an unversioned id', async () => {
    await fixture.createKey('mine');
    const key = await fixture.wrapper(fixture.uri('mine'));
    const { keyId } = await key.wrap(randomBytes(32), CONTEXT);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId })).toBe(true);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId: keyId.replace(VAULT_HOST, VAULT_HOST.toUpperCase()).replace('/mine/', '/MINE/') }), 'names and hosts ignore case').toBe(true);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId: keyId.replace('/keys/mine/', '/keys/mine2/') })).toBe(false);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId: keyId.replace(VAULT_HOST, 'other.vault.azure.net') })).toBe(false);
    expect(wrapperMatches(key, { providerId: 'awskms', keyId })).toBe(false);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId: `https://${VAULT_HOST}/keys/mine` })).toBe(false);
    expect(wrapperMatches(key, { providerId: 'azurekeyvault', keyId: 'not a url' })).toBe(false);
  });

  it('reports an old version that was disabled as KEY_DISABLED, while the current one works', async () => {
    const v1 = await fixture.createKey('retired');
    const key = await fixture.wrapper(fixture.uri('retired'), { keyCacheTtlMs: 0 });
    const old = await key.wrap(randomBytes(32), CONTEXT);
    await fixture.createKey('retired');
    await fixture.admin.updateKeyProperties('retired', v1.properties.version!, { enabled: false });
    await expectEnvelopeError(key.unwrap(old, CONTEXT), ErrorCode.KEY_DISABLED);
    const dataKey = randomBytes(32);
    expect(Buffer.from(await key.unwrap(await key.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
  });
});
