import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VAULT_HOST, startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'modes' };

describe('azurekeyvault wraps locally with the public key, and falls back to the service', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('modes');
  });
  beforeEach(() => fixture.kv.resetRequestCounts());
  afterAll(async () => {
    await fixture.close();
  });

  it('wraps locally when it may read the key: one key read, no wrapKey call, however many wraps', async () => {
    const key = await fixture.wrapper(fixture.uri('modes'));
    const resolved = await key.resolve();
    expect(resolved).toMatchObject({ mode: 'local', keySize: 2048 });
    expect(resolved.keyId).toMatch(new RegExp(`^https://${VAULT_HOST}/keys/modes/[0-9a-f]{32}$`));
    const dataKeys = Array.from({ length: 10 }, () => randomBytes(32));
    const wrapped = await Promise.all(dataKeys.map((dataKey) => key.wrap(dataKey, CONTEXT)));
    expect(fixture.kv.requestCount('wrapKey')).toBe(0);
    // Two: the challenge's probe without a token, then the read.
    expect(fixture.kv.requestCount('getKey')).toBe(2);
    for (const w of wrapped) expect(w.keyId).toBe(resolved.keyId);
    expect(Buffer.from(await key.unwrap(wrapped[3]!, CONTEXT))).toEqual(dataKeys[3]);
  });

  it('wraps through the service when the key cannot be read (403 on get), recording the version the service used', async () => {
    const producer = await fixture.wrapper(fixture.uri('modes'), { permissions: ['wrapKey'] });
    expect(await producer.resolve()).toEqual({ mode: 'remote', keyId: undefined, keySize: undefined });
    const dataKey = randomBytes(32);
    const wrapped = await producer.wrap(dataKey, CONTEXT);
    expect(fixture.kv.requestCount('wrapKey')).toBe(1);
    const current = await fixture.admin.getKey('modes');
    expect(wrapped.keyId).toBe(`https://${VAULT_HOST}/keys/modes/${current.properties.version}`);

    const consumer = await fixture.wrapper(fixture.uri('modes'), { permissions: ['unwrapKey'] });
    expect(Buffer.from(await consumer.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
  });

  it('records the new version after a rotation when the service wraps', async () => {
    await fixture.createKey('remote-rotated');
    const producer = await fixture.wrapper(fixture.uri('remote-rotated'), { permissions: ['wrapKey'] });
    const before = await producer.wrap(randomBytes(32), CONTEXT);
    const v2 = await fixture.createKey('remote-rotated');
    const after = await producer.wrap(randomBytes(32), CONTEXT);
    expect(after.keyId).toBe(`https://${VAULT_HOST}/keys/remote-rotated/${v2.properties.version}`);
    expect(after.keyId).not.toBe(before.keyId);
  });

  it('makes one key read for a burst of unwraps on a fresh wrapper, not one each', async () => {
    const producer = await fixture.wrapper(fixture.uri('modes'));
    const dataKeys = Array.from({ length: 20 }, () => randomBytes(32));
    const wrapped = await Promise.all(dataKeys.map((dataKey) => producer.wrap(dataKey, CONTEXT)));
    const consumer = await fixture.wrapper(fixture.uri('modes'));
    fixture.kv.resetRequestCounts();
    const unwrapped = await Promise.all(wrapped.map((w) => consumer.unwrap(w, CONTEXT)));
    unwrapped.forEach((dataKey, i) => expect(Buffer.from(dataKey)).toEqual(dataKeys[i]));
    expect(fixture.kv.requestCount('getKey')).toBeLessThanOrEqual(2);
    expect(fixture.kv.requestCount('unwrapKey')).toBe(20);
  });

  it('checks what it wraps: a non-empty data key that fits the key', async () => {
    const key = await fixture.wrapper(fixture.uri('modes'));
    await expectEnvelopeError(key.wrap(new Uint8Array(0), CONTEXT), ErrorCode.INVALID_ARGUMENT);
    const tooLong = await expectEnvelopeError(key.wrap(randomBytes(191), CONTEXT), ErrorCode.INVALID_ARGUMENT);
    expect(tooLong.message).toMatch(/at most 190 bytes/);
    await expectEnvelopeError(key.unwrap({ providerId: 'azurekeyvault', keyId: key.keyId, ciphertext: new Uint8Array(0) }, CONTEXT), ErrorCode.UNWRAP_FAILED);
  });
});
