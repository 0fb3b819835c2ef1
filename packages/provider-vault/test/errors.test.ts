import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ErrorCode, type EnvelopeError } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VaultRequestError } from '../src/index.js';
import { startVault, type VaultFixture } from './support.js';

const ROOT = 'hvs.root-token-for-error-tests-00000';
const WRONG = 'hvs.wrong-token-that-must-not-leak-0';
const DECRYPT_ONLY = 'hvs.decrypt-only-token-000000000000';
const NO_READ = 'hvs.encrypt-decrypt-no-read-0000000';
const CONTEXT = { purpose: 'errors' };

/** Neither the message nor anything reachable from the error (its cause included) may show a token. */
function expectNoToken(error: EnvelopeError, ...tokens: string[]): void {
  const everything = `${error.message}\n${inspect(error, { depth: 10 })}\n${JSON.stringify(error.cause)}`;
  for (const token of tokens) expect(everything).not.toContain(token);
}

describe('vault errors: permissions, missing keys and bindings', () => {
  let fixture: VaultFixture;

  beforeAll(async () => {
    fixture = await startVault({
      tokens: [ROOT, { token: DECRYPT_ONLY, allow: ['decrypt', 'readKey'] }, { token: NO_READ, allow: ['encrypt', 'decrypt'] }],
      mounts: ['transit', 'team-a/transit'],
    });
    await fixture.createKey('app');
    await fixture.createKey('derived', { derived: true });
    await fixture.createKey('rsa', { type: 'rsa-2048' });
    await fixture.createKey('app', { mount: 'team-a/transit' });
    await fixture.createKey('app', { namespace: 'eu' });
  });
  afterEach(() => {
    fixture.vault.resetRequestCounts();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('reports a bad token as PERMISSION_DENIED, on wrap and unwrap, without retrying and without the token', async () => {
    const good = fixture.wrapper('vault://transit/keys/app');
    const wrapped = await good.wrap(randomBytes(32), CONTEXT);
    fixture.vault.resetRequestCounts();

    const stranger = fixture.wrapper('vault://transit/keys/app', { token: WRONG });
    const onWrap = await expectEnvelopeError(stranger.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(onWrap.message).toMatch(/HTTP 403: permission denied/);
    expect(onWrap.cause).toBeInstanceOf(VaultRequestError);
    expect(onWrap.cause).toMatchObject({ status: 403, errors: ['permission denied'], attempts: 1 });
    expectNoToken(onWrap, WRONG, ROOT);

    const declared = fixture.wrapper('vault://transit/keys/app?binding=associated_data', { token: WRONG });
    const onUnwrap = await expectEnvelopeError(declared.unwrap(wrapped, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expectNoToken(onUnwrap, WRONG, ROOT);
    expect(fixture.vault.requestCount()).toBe(2);
  });

  it('lets a decrypt-only token unwrap, and refuses it wrapping', async () => {
    const wrapped = await fixture.wrapper('vault://transit/keys/app').wrap(randomBytes(32), CONTEXT);
    const consumer = fixture.wrapper('vault://transit/keys/app', { token: DECRYPT_ONLY });
    expect((await consumer.unwrap(wrapped, CONTEXT)).length).toBe(32);
    const error = await expectEnvelopeError(consumer.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(error.message).toContain('Vault encrypt with key transit/keys/app failed');
  });

  it('needs read on the key unless the URI declares the binding', async () => {
    const reading = fixture.wrapper('vault://transit/keys/app', { token: NO_READ });
    const error = await expectEnvelopeError(reading.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(error.message).toMatch(/read key.*declare \?binding=/);
    expect(fixture.vault.requestCounts()).toEqual({ readKey: 1 });

    const declared = fixture.wrapper('vault://transit/keys/app?binding=associated_data', { token: NO_READ });
    const dataKey = randomBytes(32);
    expect(Buffer.from(await declared.unwrap(await declared.wrap(dataKey, CONTEXT), CONTEXT))).toEqual(dataKey);
    expect(fixture.vault.requestCount('readKey')).toBe(1);
  });

  it('reports a missing key, mount or namespace as KEY_NOT_FOUND', async () => {
    const cases = ['vault://transit/keys/never-created', 'vault://elsewhere/keys/app', 'vault://transit/keys/app?namespace=us'];
    for (const uri of cases) {
      const error = await expectEnvelopeError(fixture.wrapper(uri).wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_NOT_FOUND);
      expect(error.message, uri).toContain('check the mount path, the key name and the namespace');
    }
    // Declared, so never read: decrypt itself says the key is missing.
    const wrapped = await fixture.wrapper('vault://transit/keys/app').wrap(randomBytes(32), CONTEXT);
    const declared = fixture.wrapper('vault://transit/keys/gone?binding=associated_data');
    await expectEnvelopeError(declared.unwrap({ ...wrapped, keyId: declared.keyId }, CONTEXT), ErrorCode.KEY_NOT_FOUND);
  });

  it('reports a derived key used without a context as INVALID_ARGUMENT, at once, naming the fix', async () => {
    const wrapped = await fixture.wrapper('vault://transit/keys/derived').wrap(randomBytes(32), CONTEXT);
    fixture.vault.resetRequestCounts();
    for (const binding of ['none', 'associated_data']) {
      const misconfigured = fixture.wrapper(`vault://transit/keys/derived?binding=${binding}`);
      const onWrap = await expectEnvelopeError(misconfigured.wrap(randomBytes(32), CONTEXT), ErrorCode.INVALID_ARGUMENT);
      expect(onWrap.message).toMatch(/missing 'context' for key derivation.*needs the context/);
      await expectEnvelopeError(misconfigured.unwrap(wrapped, CONTEXT), ErrorCode.INVALID_ARGUMENT);
      await expectEnvelopeError(misconfigured.generateDataKey(32, CONTEXT), ErrorCode.INVALID_ARGUMENT);
    }
    // Refusals of the request are not retried.
    expect(fixture.vault.requestCount()).toBe(6);
  });

  it('reports associated_data sent to an RSA key as INVALID_ARGUMENT', async () => {
    const misconfigured = fixture.wrapper('vault://transit/keys/rsa?binding=associated_data');
    const error = await expectEnvelopeError(misconfigured.wrap(randomBytes(32), CONTEXT), ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(/non-AEAD.*binding=none/);
  });

  it('keeps keys of other mounts and namespaces apart, and records where a key lives', async () => {
    const team = fixture.wrapper('vault://team-a/transit/keys/app');
    const regional = fixture.wrapper('vault://transit/keys/app?namespace=eu');
    const plain = fixture.wrapper('vault://transit/keys/app');
    expect([team.keyId, regional.keyId, plain.keyId]).toEqual(['team-a/transit/keys/app', 'eu/transit/keys/app', 'transit/keys/app']);

    const dataKey = randomBytes(32);
    const byTeam = await team.wrap(dataKey, CONTEXT);
    expect(byTeam.keyId).toBe('team-a/transit/keys/app');
    expect(Buffer.from(await team.unwrap(byTeam, CONTEXT))).toEqual(dataKey);
    // Same name, another key: relabelled, the ciphertext still fails where it does not belong.
    await expectEnvelopeError(regional.unwrap({ ...byTeam, keyId: regional.keyId }, CONTEXT), ErrorCode.UNWRAP_FAILED);
    await expectEnvelopeError(plain.unwrap(byTeam, CONTEXT), ErrorCode.UNWRAP_FAILED);
  });

  it('refuses ciphertexts that are not vault:vN:<base64> as MALFORMED, without asking Vault', async () => {
    const key = fixture.wrapper('vault://transit/keys/app');
    const good = await key.wrap(randomBytes(32), CONTEXT);
    fixture.vault.resetRequestCounts();
    for (const text of ['', 'vault:v1:', 'vault:v0:AAAA', 'vault:v1:AAA', 'vault:v1:AA AA', 'kms:v1:AAAA', 'vault:v1:AAAA\n']) {
      await expectEnvelopeError(key.unwrap({ ...good, ciphertext: Buffer.from(text, 'latin1') }, CONTEXT), ErrorCode.MALFORMED);
    }
    expect(fixture.vault.requestCount()).toBe(0);
  });
});
