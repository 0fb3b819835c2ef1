import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { decrypt, encrypt, ErrorCode, type WrappedKey } from '@envelope-kit/core';
import type { LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/retry.js';
import { VaultRequestError, type VaultTransitKeyWrapper } from '../src/index.js';
import { localKey, startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'resilience' };

describe('vault under a seal, throttling, server errors, timeouts and outages', () => {
  let fixture: VaultFixture;
  let key: VaultTransitKeyWrapper;
  let local: LocalRsaKeyWrapper;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('app');
    await fixture.createKey('rsa', { type: 'rsa-2048' });
    // The provider's defaults (3 attempts), with short waits between them.
    key = fixture.wrapper('vault://transit/keys/app');
    local = await localKey();
    dataKey = randomBytes(32);
    wrapped = await key.wrap(dataKey, CONTEXT);
  });
  afterEach(async () => {
    fixture.vault.clearFaults();
    fixture.vault.resetRequestCounts();
    await fixture.vault.goOnline();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('retries a sealed Vault (503), then reports PROVIDER_UNAVAILABLE after exactly maxAttempts tries', async () => {
    fixture.vault.seal();
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(fixture.vault.requestCount('decrypt')).toBe(3);
    expect(error.cause).toBeInstanceOf(VaultRequestError);
    expect(error.cause).toMatchObject({ status: 503, errors: ['Vault is sealed'], attempts: 3 });
    expect(error.message).toMatch(/HTTP 503: Vault is sealed, after 3 attempts\): Vault is unreachable, sealed/);
  });

  it('rides out a transient 503 (a Vault unsealed a moment later)', async () => {
    fixture.vault.failNext(2, { operation: 'decrypt', error: 'sealed' });
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    expect(fixture.vault.requestCount('decrypt')).toBe(3);
  });

  it('rides out throttling (429) and a standby that is catching up (412); persistent throttling is PROVIDER_UNAVAILABLE', async () => {
    fixture.vault.throttleNext(1, { operation: 'encrypt' });
    fixture.vault.failNext(1, { operation: 'encrypt', error: 'standby' });
    expect((await key.wrap(dataKey, CONTEXT)).keyId).toBe('transit/keys/app');
    expect(fixture.vault.requestCount('encrypt')).toBe(3);

    fixture.vault.throttleNext(Infinity);
    const error = await expectEnvelopeError(key.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.cause).toMatchObject({ status: 429 });
  });

  it('reports persistent 5xx as PROVIDER_UNAVAILABLE, and recovers from a transient one', async () => {
    fixture.vault.failNext(1, { operation: 'encrypt' });
    expect((await key.wrap(dataKey, CONTEXT)).ciphertext.length).toBeGreaterThan(0);
    fixture.vault.failNext(Infinity, { operation: 'encrypt', error: 'internal' });
    const error = await expectEnvelopeError(key.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.cause).toMatchObject({ status: 500 });
  });

  it('reports refused connections as PROVIDER_UNAVAILABLE, keeping the token out of the error', async () => {
    await fixture.vault.goOffline();
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((error.cause as VaultRequestError).code);
    expect((error.cause as VaultRequestError).attempts).toBe(3);
    // The axios error behind it carries the X-Vault-Token header; none of it may survive.
    expect(`${error.message}${inspect(error, { depth: 10 })}`).not.toContain(fixture.vault.token);
    await expectEnvelopeError(key.generateDataKey(32, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
  });

  it('gives up on a request that hangs past requestTimeoutMs: PROVIDER_UNAVAILABLE, in bounded time', async () => {
    const impatient = fixture.wrapper('vault://transit/keys/app', { requestTimeoutMs: 150, maxAttempts: 2 });
    await impatient.resolve();
    fixture.vault.setLatency(2_000, { operation: 'decrypt' });
    const started = performance.now();
    const error = await expectEnvelopeError(impatient.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.cause).toMatchObject({ code: 'ECONNABORTED', attempts: 2 });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('does not retry a refused RSA ciphertext, although Vault answers it with a 500', async () => {
    const rsa = fixture.wrapper('vault://transit/keys/rsa');
    const good = await rsa.wrap(dataKey, CONTEXT);
    const text = Buffer.from(good.ciphertext).toString('latin1');
    const body = Buffer.from(text.slice('vault:v1:'.length), 'base64');
    body[body.length - 1]! ^= 0x01;
    fixture.vault.resetRequestCounts();
    const error = await expectEnvelopeError(rsa.unwrap({ ...good, ciphertext: Buffer.from(`vault:v1:${body.toString('base64')}`) }, CONTEXT), ErrorCode.UNWRAP_FAILED);
    expect(error.cause).toMatchObject({ status: 500 });
    expect(fixture.vault.requestCount('decrypt')).toBe(1);
  });

  it('decrypts with the local key when Vault is down, and reports the Vault failure when it is alone', async () => {
    const envelope = await encrypt('kept safe twice', { keyring: [key, local], context: CONTEXT });
    await fixture.vault.goOffline();

    const result = await decrypt(envelope, { keyring: [key, local] });
    expect(Buffer.from(result.plaintext).toString()).toBe('kept safe twice');

    const onlyVault = await expectEnvelopeError(decrypt(envelope, { keyring: [key] }), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(onlyVault.failures.map((f) => f.error.code)).toEqual([ErrorCode.PROVIDER_UNAVAILABLE]);
  });

  it('backs off exponentially, with jitter, within the configured bounds', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
  });
});
