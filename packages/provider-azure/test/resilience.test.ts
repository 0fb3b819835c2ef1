import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode, type WrappedKey } from '@envelope-kit/core';
import type { LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureKeyVaultKeyWrapper } from '../src/index.js';
import { localKey, startVault, type VaultFixture } from './support.js';

const CONTEXT = { purpose: 'resilience' };

describe('azurekeyvault under throttling, server errors, timeouts and outages', () => {
  let fixture: VaultFixture;
  let key: AzureKeyVaultKeyWrapper;
  let local: LocalRsaKeyWrapper;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startVault();
    await fixture.createKey('resilient');
    // The provider's defaults (3 retries), with the test's short delays.
    key = await fixture.wrapper(fixture.uri('resilient'));
    local = await localKey();
    dataKey = randomBytes(32);
    wrapped = await key.wrap(dataKey, CONTEXT);
    // The first unwrap completes the challenge and the SDK's key read, so counts below are of unwrapKey attempts.
    await key.unwrap(wrapped, CONTEXT);
    fixture.kv.resetRequestCounts();
  });
  afterEach(async () => {
    fixture.kv.clearFaults();
    fixture.kv.resetRequestCounts();
    await fixture.kv.goOnline();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('rides out throttling that stops: the SDK honours Retry-After and the unwrap succeeds', async () => {
    fixture.kv.throttleNext(2, { operation: 'unwrapKey' });
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    expect(fixture.kv.requestCount('unwrapKey')).toBe(3);
  });

  it('reports persistent throttling as PROVIDER_UNAVAILABLE after exactly 1 + maxRetries attempts', async () => {
    fixture.kv.throttleNext(Infinity, { operation: 'unwrapKey' });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as { statusCode?: number }).statusCode).toBe(429);
    expect(fixture.kv.requestCount('unwrapKey')).toBe(4);

    fixture.kv.resetRequestCounts();
    const impatient = await fixture.wrapper(fixture.uri('resilient'), { maxRetries: 0 });
    await expectEnvelopeError(impatient.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(fixture.kv.requestCount('unwrapKey')).toBe(1);
  });

  it('reports persistent 5xx as PROVIDER_UNAVAILABLE, and recovers from a transient one', async () => {
    fixture.kv.failNext(1, { operation: 'unwrapKey', error: 'ServiceUnavailable' });
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);

    fixture.kv.failNext(Infinity, { operation: 'unwrapKey', error: 'InternalServerError' });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as { statusCode?: number }).statusCode).toBe(500);
  });

  it('reports a throttled key read as PROVIDER_UNAVAILABLE when wrapping', async () => {
    const fresh = await fixture.wrapper(fixture.uri('resilient'), { maxRetries: 1 });
    fixture.kv.throttleNext(Infinity, { operation: 'getKey' });
    await expectEnvelopeError(fresh.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    fixture.kv.clearFaults();
    expect((await fresh.wrap(dataKey, CONTEXT)).keyId, 'a failed read is not cached').toBe(wrapped.keyId);
  });

  it('reports a vault that refuses connections as PROVIDER_UNAVAILABLE', async () => {
    await fixture.kv.goOffline();
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((error.cause as { code?: string }).code);
  });

  it('gives up when the operation deadline passes, retries and all: PROVIDER_UNAVAILABLE', async () => {
    const impatient = await fixture.wrapper(fixture.uri('resilient'), { timeoutMs: 300 });
    await impatient.unwrap(wrapped, CONTEXT);
    fixture.kv.setLatency(2_000, { operation: 'unwrapKey' });
    const started = performance.now();
    const error = await expectEnvelopeError(impatient.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('decrypts with the local key when Key Vault is down, and reports both when neither works', async () => {
    const envelope = await encrypt('kept safe twice', { keyring: [key, local], context: CONTEXT });
    await fixture.kv.goOffline();

    const result = await decrypt(envelope, { keyring: [key, local] });
    expect(Buffer.from(result.plaintext).toString()).toBe('kept safe twice');

    const onlyAzure = await expectEnvelopeError(decrypt(envelope, { keyring: [key] }), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(onlyAzure.failures.map((f) => f.error.code)).toEqual([ErrorCode.PROVIDER_UNAVAILABLE]);
  });
});
