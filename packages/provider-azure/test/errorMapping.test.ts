import { randomBytes } from 'node:crypto';
import { ErrorCode, type WrappedKey } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyWrapper, keyVaultError } from '../src/index.js';
import { startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'errors' };

/** The HTTP status and Key Vault inner code of an EnvelopeError's cause (the SDK's RestError). */
function causeOf(error: Error): { statusCode?: number; innerCode?: string } {
  const cause = error.cause as { statusCode?: number; details?: { error?: { innerError?: { code?: string } } } };
  const innerCode = cause.details?.error?.innerError?.code;
  return { ...(cause.statusCode === undefined ? {} : { statusCode: cause.statusCode }), ...(innerCode === undefined ? {} : { innerCode }) };
}

describe('azurekeyvault error mapping, against the emulator', () => {
  let fixture: VaultFixture;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('main');
    dataKey = randomBytes(32);
    wrapped = await (await fixture.wrapper(fixture.uri('main'))).wrap(dataKey, CONTEXT);
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('refuses a token the vault did not issue: PERMISSION_DENIED, the 401 as cause, the token nowhere in the message', async () => {
    const token = 'forged-token-the-vault-never-issued';
    const forged = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const key = await fixture.wrapper(fixture.uri('main'), { credential: forged });
    const onWrap = await expectEnvelopeError(key.wrap(dataKey, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(causeOf(onWrap)).toEqual({ statusCode: 401 });
    const onUnwrap = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(causeOf(onUnwrap)).toEqual({ statusCode: 401 });
    for (const error of [onWrap, onUnwrap]) {
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain(dataKey.toString('base64url'));
    }
  });

  it('reports a missing access-policy permission as PERMISSION_DENIED (403 AccessDenied)', async () => {
    const wrapOnly = await fixture.wrapper(fixture.uri('main'), { permissions: ['get', 'wrapKey'] });
    const error = await expectEnvelopeError(wrapOnly.unwrap(wrapped, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(causeOf(error)).toEqual({ statusCode: 403, innerCode: 'AccessDenied' });
    expect(error.message).toMatch(/does not have keys unwrapKey permission/);
  });

  it('reports a key that does not exist as KEY_NOT_FOUND, wrapping and unwrapping', async () => {
    const missing = await fixture.wrapper(fixture.uri('missing'));
    expect(causeOf(await expectEnvelopeError(missing.wrap(dataKey, CONTEXT), ErrorCode.KEY_NOT_FOUND))).toEqual({ statusCode: 404 });
    const relabelled = { ...wrapped, keyId: wrapped.keyId.replace('/keys/main/', '/keys/missing/') };
    expect(causeOf(await expectEnvelopeError(missing.unwrap(relabelled, CONTEXT), ErrorCode.KEY_NOT_FOUND))).toEqual({ statusCode: 404 });
  });

  it('reports a disabled key as KEY_DISABLED, wrapping and unwrapping (403 KeyDisabled)', async () => {
    const key = await fixture.createKey('disabled-later');
    const before = await fixture.wrapper(fixture.uri('disabled-later'));
    const old = await before.wrap(dataKey, CONTEXT);
    await fixture.admin.updateKeyProperties('disabled-later', key.properties.version!, { enabled: false });

    const error = await expectEnvelopeError(before.unwrap(old, CONTEXT), ErrorCode.KEY_DISABLED);
    expect(causeOf(error)).toEqual({ statusCode: 403, innerCode: 'KeyDisabled' });
    const fresh = await fixture.wrapper(fixture.uri('disabled-later'));
    await expectEnvelopeError(fresh.wrap(dataKey, CONTEXT), ErrorCode.KEY_DISABLED);
    // A producer without get permission: the service itself refuses the wrap.
    const remoteOnly = await fixture.wrapper(fixture.uri('disabled-later'), { permissions: ['wrapKey', 'unwrapKey'] });
    expect(causeOf(await expectEnvelopeError(remoteOnly.wrap(dataKey, CONTEXT), ErrorCode.KEY_DISABLED))).toEqual({ statusCode: 403, innerCode: 'KeyDisabled' });

    await fixture.admin.updateKeyProperties('disabled-later', key.properties.version!, { enabled: true });
    expect(Buffer.from(await before.unwrap(old, CONTEXT))).toEqual(dataKey);
  });

  it('reports key_ops that forbid the operation as PERMISSION_DENIED', async () => {
    await fixture.createKey('unwrap-only', { keyOps: ['unwrapKey'] });
    const local = await fixture.wrapper(fixture.uri('unwrap-only'));
    await expectEnvelopeError(local.wrap(dataKey, CONTEXT), ErrorCode.PERMISSION_DENIED);
    const remoteOnly = await fixture.wrapper(fixture.uri('unwrap-only'), { permissions: ['wrapKey'] });
    const error = await expectEnvelopeError(remoteOnly.wrap(dataKey, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(causeOf(error)).toEqual({ statusCode: 403, innerCode: 'KeyOperationForbidden' });

    await fixture.createKey('wrap-only', { keyOps: ['wrapKey'] });
    const wrapOnly = await fixture.wrapper(fixture.uri('wrap-only'));
    await expectEnvelopeError(wrapOnly.unwrap(await wrapOnly.wrap(dataKey, CONTEXT), CONTEXT), ErrorCode.PERMISSION_DENIED);
  });

  it('reports a ciphertext the vault cannot decrypt (400 BadParameter) as UNWRAP_FAILED', async () => {
    const key = await fixture.wrapper(fixture.uri('main'));
    const damaged = Uint8Array.from(wrapped.ciphertext);
    damaged[7] = damaged[7]! ^ 0x80;
    const error = await expectEnvelopeError(key.unwrap({ ...wrapped, ciphertext: damaged }, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(causeOf(error)).toEqual({ statusCode: 400 });
  });

  it('reports an endpoint whose TLS certificate it cannot verify as PROVIDER_UNAVAILABLE', async () => {
    const untrusting = await createKeyWrapper(fixture.uri('main'), { credential: fixture.kv.credential(), vaultUrl: fixture.kv.vaultUrl, maxRetries: 0 });
    const error = await expectEnvelopeError(untrusting.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as { code?: string }).code).toMatch(/CERT|SIGNATURE/);
  });

  it('classifies errors it cannot place by the caller\'s fallback, and passes EnvelopeErrors through', () => {
    expect(keyVaultError(new Error('odd'), 'wrapKey', 'k', ErrorCode.WRAP_FAILED).code).toBe(ErrorCode.WRAP_FAILED);
    expect(keyVaultError('not an error', 'unwrapKey', 'k', ErrorCode.UNWRAP_FAILED).code).toBe(ErrorCode.UNWRAP_FAILED);
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(keyVaultError(abort, 'unwrapKey', 'k', ErrorCode.UNWRAP_FAILED).code).toBe(ErrorCode.PROVIDER_UNAVAILABLE);
    const identity = Object.assign(new Error('no credential'), { name: 'CredentialUnavailableError' });
    expect(keyVaultError(identity, 'wrapKey', 'k', ErrorCode.WRAP_FAILED).code).toBe(ErrorCode.PERMISSION_DENIED);
    const sdkCheck = new Error('Operation unwrapKey is not supported on key https://v.vault.azure.net/keys/k/1');
    expect(keyVaultError(sdkCheck, 'unwrapKey', 'k', ErrorCode.UNWRAP_FAILED).code).toBe(ErrorCode.PERMISSION_DENIED);
  });
});
