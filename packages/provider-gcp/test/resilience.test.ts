import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode, type WrappedKey } from '@envelope-kit/core';
import type { LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_STATUS, type GcpKmsKeyWrapper } from '../src/index.js';
import { localKey, startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'resilience' };

describe('gcpkms under outages, quota, latency and refusals', () => {
  let fixture: KmsFixture;
  let keyName: string;
  let key: GcpKmsKeyWrapper;
  let local: LocalRsaKeyWrapper;
  let dataKey: Buffer;
  let wrapped: WrappedKey;

  beforeAll(async () => {
    fixture = await startKms();
    keyName = await fixture.createKey();
    // The provider's defaults: 3 attempts, 100 ms first backoff.
    key = fixture.wrapper(keyName);
    local = await localKey();
    dataKey = randomBytes(32);
    wrapped = await key.wrap(dataKey, CONTEXT);
  });
  afterEach(async () => {
    fixture.kms.clearFaults();
    fixture.kms.resetRequestCounts();
    await fixture.kms.goOnline();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('retries UNAVAILABLE that stops, and the unwrap succeeds', async () => {
    fixture.kms.failNext(2, { operation: 'Decrypt', status: 'UNAVAILABLE' });
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    expect(fixture.kms.requestCount('Decrypt')).toBe(3);
  });

  it('reports persistent UNAVAILABLE as PROVIDER_UNAVAILABLE after exactly maxAttempts tries', async () => {
    fixture.kms.failNext(Infinity, { operation: 'Decrypt', status: 'UNAVAILABLE' });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.message).toContain('UNAVAILABLE');
    expect(fixture.kms.requestCount('Decrypt')).toBe(3);

    const once = fixture.wrapper(keyName, { maxAttempts: 1 });
    fixture.kms.resetRequestCounts();
    await expectEnvelopeError(once.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(fixture.kms.requestCount('Decrypt')).toBe(1);
  });

  it('reports exhausted quota (RESOURCE_EXHAUSTED) as PROVIDER_UNAVAILABLE, after retrying it', async () => {
    fixture.kms.throttleNext(Infinity, { operation: 'Encrypt' });
    await expectEnvelopeError(key.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(fixture.kms.requestCount('Encrypt')).toBe(3);
  });

  it('does not retry a refusal', async () => {
    fixture.kms.failNext(1, { operation: 'Decrypt', status: 'PERMISSION_DENIED' });
    const error = await expectEnvelopeError(key.unwrap(wrapped, CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as { code?: number }).code).toBe(GRPC_STATUS.PERMISSION_DENIED);
    expect(fixture.kms.requestCount('Decrypt')).toBe(1);
  });

  it('gives up on attempts that hang past attemptTimeoutMs: PROVIDER_UNAVAILABLE, promptly', async () => {
    const impatient = fixture.wrapper(keyName, { attemptTimeoutMs: 150, maxAttempts: 2 });
    fixture.kms.setLatency(2_000, { operation: 'Decrypt' });
    const started = performance.now();
    const error = await expectEnvelopeError(impatient.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect((error.cause as { code?: number }).code).toBe(GRPC_STATUS.DEADLINE_EXCEEDED);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(fixture.kms.requestCount('Decrypt')).toBe(2);
  });

  // Outage tests use wrappers of their own: each has its own channel, whose reconnect backoff must not leak into other tests.

  it('reports an emulator that refuses connections as PROVIDER_UNAVAILABLE', async () => {
    const offline = fixture.wrapper(keyName);
    await offline.wrap(dataKey, CONTEXT);
    await fixture.kms.goOffline();
    const error = await expectEnvelopeError(offline.unwrap(wrapped, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.message).toMatch(/UNAVAILABLE|CANCELLED/);
    await expectEnvelopeError(offline.wrap(dataKey, CONTEXT), ErrorCode.PROVIDER_UNAVAILABLE);
  });

  it('decrypts with the local key when KMS is down, and reports the outage when it alone is configured', async () => {
    const gcp = fixture.wrapper(keyName);
    const envelope = await encrypt('kept safe twice', { keyring: [gcp, local], context: CONTEXT });
    await fixture.kms.goOffline();

    const result = await decrypt(envelope, { keyring: [gcp, local] });
    expect(Buffer.from(result.plaintext).toString()).toBe('kept safe twice');

    const onlyGcp = await expectEnvelopeError(decrypt(envelope, { keyring: [gcp] }), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(onlyGcp.failures.map((f) => f.error.code)).toEqual([ErrorCode.PROVIDER_UNAVAILABLE]);
  });

  it('encrypts again once KMS is back', async () => {
    const gcp = fixture.wrapper(keyName);
    await fixture.kms.goOffline();
    await expectEnvelopeError(encrypt('x', { keyring: gcp }), ErrorCode.PROVIDER_UNAVAILABLE);
    await fixture.kms.goOnline();
    // The channel reconnects after its backoff; until then calls fail fast, as they would against the service.
    const envelope = await eventually(() => encrypt('back', { keyring: gcp, context: CONTEXT }));
    expect(Buffer.from((await decrypt(envelope, { keyring: gcp })).plaintext).toString()).toBe('back');
  });
});

/** Calls `action` until it succeeds, for up to `ms`; only PROVIDER_UNAVAILABLE is worth waiting out. */
async function eventually<T>(action: () => Promise<T>, ms = 5_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if ((error as { code?: unknown }).code !== ErrorCode.PROVIDER_UNAVAILABLE || performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
