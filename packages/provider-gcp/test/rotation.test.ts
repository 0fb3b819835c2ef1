import { randomBytes } from 'node:crypto';
import { ErrorCode, wrapperMatches } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'rotation' };

describe('gcpkms key versions: rotation, recorded key ids and matching', () => {
  let fixture: KmsFixture;

  beforeAll(async () => {
    fixture = await startKms();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('records the crypto key name for symmetric keys, so envelopes outlive rotation', async () => {
    const key = await fixture.createKey();
    const wrapper = fixture.wrapper(key);
    const before = randomBytes(32);
    const oldWrapped = await wrapper.wrap(before, CONTEXT);
    expect(oldWrapped.keyId).toBe(key);

    await fixture.rotate(key);
    const newWrapped = await wrapper.wrap(randomBytes(32), CONTEXT);
    expect(newWrapped.keyId).toBe(key);
    expect(Buffer.from(await wrapper.unwrap(oldWrapped, CONTEXT))).toEqual(before);
  });

  it('encrypts with the configured version, records the key, and unwraps what the key wrapped', async () => {
    const key = await fixture.createKey();
    const second = await fixture.rotate(key);
    const pinned = fixture.wrapper(`${key}/cryptoKeyVersions/1`);
    const byKey = fixture.wrapper(key);

    // With the primary (version 2) disabled, only a wrapper pinned to version 1 can still wrap.
    await fixture.setState(second, 'DISABLED');
    await expectEnvelopeError(byKey.wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_DISABLED);
    const dataKey = randomBytes(32);
    const wrapped = await pinned.wrap(dataKey, CONTEXT);
    expect(wrapped.keyId).toBe(key);
    expect(Buffer.from(await byKey.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    await fixture.setState(second, 'ENABLED');

    const byPrimary = await byKey.wrap(dataKey, CONTEXT);
    expect(wrapperMatches(pinned, byPrimary)).toBe(true);
    expect(Buffer.from(await pinned.unwrap(byPrimary, CONTEXT))).toEqual(dataKey);
  });

  it('records the version for RSA keys; a wrapper on the key unwraps any of its versions, one on a version only its own', async () => {
    const key = await fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256');
    const second = await fixture.rotate(key);
    const v1 = fixture.wrapper(`${key}/cryptoKeyVersions/1`);
    const v2 = fixture.wrapper(second);
    const anyVersion = fixture.wrapper(key);

    const dataKey = randomBytes(32);
    const byV1 = await v1.wrap(dataKey, CONTEXT);
    const byV2 = await v2.wrap(dataKey, CONTEXT);
    expect(byV1.keyId).toBe(`${key}/cryptoKeyVersions/1`);
    expect(byV2.keyId).toBe(second);

    expect(wrapperMatches(v1, byV2)).toBe(false);
    expect(wrapperMatches(v2, byV1)).toBe(false);
    await expectEnvelopeError(v1.unwrap(byV2, CONTEXT), ErrorCode.UNWRAP_FAILED);
    for (const wrapped of [byV1, byV2]) {
      expect(wrapperMatches(anyVersion, wrapped)).toBe(true);
      expect(Buffer.from(await anyVersion.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    }
  });

  it('matches nothing of another key, another provider, or a malformed record', async () => {
    const key = await fixture.createKey();
    const wrapper = fixture.wrapper(`${key}/cryptoKeyVersions/1`);
    fixture.kms.resetRequestCounts();
    expect(wrapperMatches(wrapper, { providerId: 'gcpkms', keyId: `${key}-2` })).toBe(false);
    expect(wrapperMatches(wrapper, { providerId: 'awskms', keyId: key })).toBe(false);
    expect(wrapperMatches(wrapper, { providerId: 'gcpkms', keyId: `${key}/cryptoKeyVersions/2` })).toBe(false);
    expect(wrapperMatches(wrapper, { providerId: 'gcpkms', keyId: 'not a name' })).toBe(false);
    expect(wrapperMatches(wrapper, { providerId: 'gcpkms', keyId: key })).toBe(true);
    const error = await expectEnvelopeError(
      wrapper.unwrap({ providerId: 'gcpkms', keyId: `${key}-2`, ciphertext: randomBytes(64) }, CONTEXT),
      ErrorCode.UNWRAP_FAILED,
    );
    expect(error.message).toContain('not by gcpkms:');
    expect(fixture.kms.requestCount()).toBe(0);
  });
});
