import { randomBytes } from 'node:crypto';
import { KeyClient } from '@azure/keyvault-keys';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AzureKeyVaultEmulator, KEY_VAULT_ERROR_STATUS, type KeyVaultErrorCode } from '../src/azure-keyvault/index.js';
import { restErrorOf } from './azureRestError.js';

describe('Azure Key Vault emulator: fault injection and request counts', () => {
  let kv: AzureKeyVaultEmulator;
  let keys: KeyClient;

  const client = (maxRetries: number): KeyClient =>
    new KeyClient(kv.vaultUrl, kv.credential(), { ...kv.clientOptions(), retryOptions: { maxRetries, retryDelayInMs: 10, maxRetryDelayInMs: 20 } });

  beforeAll(async () => {
    kv = await AzureKeyVaultEmulator.start();
    keys = client(0);
    await keys.createRsaKey('k');
    // Complete the challenge once, so counts below are of real attempts only.
    await keys.getKey('k');
  });
  afterEach(async () => {
    kv.clearFaults();
    kv.resetRequestCounts();
    await kv.goOnline();
  });
  afterAll(async () => {
    await kv.close();
  });

  it('throttles with 429 Throttled and Retry-After; the SDK retries through it', async () => {
    const retrying = client(3);
    await retrying.getKey('k');
    kv.resetRequestCounts();
    kv.throttleNext(2, { operation: 'getKey' });
    expect((await retrying.getKey('k')).name).toBe('k');
    expect(kv.requestCount('getKey')).toBe(3);
  });

  it('throttles until cleared with Infinity, answering in the service shape', async () => {
    kv.throttleNext(Infinity, { retryAfterSeconds: 0 });
    for (let i = 0; i < 2; i++) expect(await restErrorOf(keys.getKey('k'))).toMatchObject({ statusCode: 429, code: 'Throttled' });
    kv.clearFaults();
    expect((await keys.getKey('k')).name).toBe('k');
  });

  it('stops retrying a persistent throttle after maxRetries', async () => {
    const retrying = client(2);
    await retrying.getKey('k');
    kv.resetRequestCounts();
    kv.throttleNext(Infinity, { operation: 'getKey' });
    expect(await restErrorOf(retrying.getKey('k'))).toMatchObject({ statusCode: 429 });
    expect(kv.requestCount('getKey')).toBe(3);
  });

  it('scopes a fault to one operation', async () => {
    kv.failNext(1, { operation: 'unwrapKey', error: 'ServiceUnavailable' });
    const crypto = keys.getCryptographyClient('k');
    const wrapped = await crypto.wrapKey('RSA-OAEP-256', randomBytes(32));
    expect(await restErrorOf(crypto.unwrapKey('RSA-OAEP-256', wrapped.result))).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    expect((await crypto.unwrapKey('RSA-OAEP-256', wrapped.result)).result).toHaveLength(32);
  });

  it('answers injected errors with the status and body Key Vault uses for each code', async () => {
    for (const [code, status] of Object.entries(KEY_VAULT_ERROR_STATUS) as [KeyVaultErrorCode, number][]) {
      if (code === 'Unauthorized') continue; // the challenge policy handles a 401 itself: next test
      kv.failNext(1, { error: code, ...(code === 'Forbidden' ? { innerCode: 'KeyDisabled' } : {}) });
      const error = await restErrorOf(keys.getKey('k'));
      expect(error, code).toMatchObject({ statusCode: status, code, message: `injected ${code}` });
      if (code === 'Forbidden') expect(error.innerCode).toBe('KeyDisabled');
    }
  });

  it('an injected 401 carries the challenge: the SDK answers it once (with its still-valid cached token)', async () => {
    const before = kv.tokenRequests.length;
    kv.failNext(1, { operation: 'getKey', error: 'Unauthorized' });
    expect((await keys.getKey('k')).name).toBe('k');
    expect(kv.requestCount('getKey')).toBe(2);
    expect(kv.tokenRequests.length).toBe(before);
    kv.failNext(2, { operation: 'getKey', error: 'Unauthorized' });
    expect(await restErrorOf(keys.getKey('k'))).toMatchObject({ statusCode: 401, code: 'Unauthorized' });
  });

  it('retries 5xx with the SDK exponential policy', async () => {
    const retrying = client(3);
    await retrying.getKey('k');
    kv.resetRequestCounts();
    kv.failNext(2, { operation: 'getKey', error: 'InternalServerError' });
    expect((await retrying.getKey('k')).name).toBe('k');
    expect(kv.requestCount('getKey')).toBe(3);
  });

  it('delays answers with setLatency, per operation', async () => {
    kv.setLatency(200, { operation: 'getKey' });
    const started = performance.now();
    await keys.getKey('k');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    kv.setLatency(0, { operation: 'getKey' });
    const again = performance.now();
    await keys.getKey('k');
    expect(performance.now() - again).toBeLessThan(190);
  });

  it('goes offline (connections refused, keys kept) and back online on the same URL', async () => {
    await kv.goOffline();
    expect(kv.online).toBe(false);
    expect((await restErrorOf(keys.getKey('k'))).errno).toMatch(/ECONNREFUSED|ECONNRESET/);
    await kv.goOnline();
    expect((await keys.getKey('k')).name).toBe('k');
  });

  it('counts requests per operation, refused ones included', async () => {
    kv.failNext(1, { operation: 'getKey', error: 'KeyNotFound' });
    await restErrorOf(keys.getKey('k'));
    await keys.getKey('k');
    await keys.updateKeyProperties('k', { tags: { a: 'b' } });
    expect(kv.requestCounts()).toEqual({ getKey: 2, updateKey: 1 });
    expect(kv.requestCount()).toBe(3);
    kv.resetRequestCounts();
    expect(kv.requestCount()).toBe(0);
  });

  it('validates fault arguments', () => {
    expect(() => kv.throttleNext(0)).toThrow(RangeError);
    expect(() => kv.failNext(1.5)).toThrow(RangeError);
    expect(() => kv.setLatency(-1)).toThrow(RangeError);
    expect(() => kv.throttleNext(1, { retryAfterSeconds: -1 })).toThrow(RangeError);
  });
});
