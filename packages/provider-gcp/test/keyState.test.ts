import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'key-state' };

describe('gcpkms errors: key state, missing keys and refused callers', () => {
  let fixture: KmsFixture;

  beforeAll(async () => {
    fixture = await startKms({ tokens: ['admin', { token: 'decrypt-only', allow: ['Decrypt', 'AsymmetricDecrypt'] }] });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('reports a disabled key version as KEY_DISABLED, on wrap and unwrap, until it is enabled again', async () => {
    const key = await fixture.createKey();
    const wrapper = fixture.wrapper(key);
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey, CONTEXT);

    await fixture.setState(`${key}/cryptoKeyVersions/1`, 'DISABLED');
    const onWrap = await expectEnvelopeError(wrapper.wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_DISABLED);
    expect(onWrap.message).toContain('current state is: DISABLED');
    expect((onWrap.cause as { code?: number }).code).toBe(GRPC_STATUS.FAILED_PRECONDITION);
    await expectEnvelopeError(wrapper.unwrap(wrapped, CONTEXT), ErrorCode.KEY_DISABLED);

    await fixture.setState(`${key}/cryptoKeyVersions/1`, 'ENABLED');
    expect(Buffer.from(await wrapper.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
  });

  it('reports what a destroyed version protected as KEY_DISABLED, through core too', async () => {
    const key = await fixture.createKey();
    const wrapper = fixture.wrapper(key);
    const envelope = await encrypt('gone for good', { keyring: wrapper, context: CONTEXT });
    await fixture.rotate(key);
    await fixture.destroy(`${key}/cryptoKeyVersions/1`);

    const error = await expectEnvelopeError(decrypt(envelope, { keyring: wrapper }), ErrorCode.KEY_DISABLED);
    expect(error.failures.map((f) => f.error.code)).toEqual([ErrorCode.KEY_DISABLED]);
    // The new primary still wraps.
    await wrapper.wrap(randomBytes(32), CONTEXT);
  });

  it('reports a disabled RSA version as KEY_DISABLED', async () => {
    const version = `${await fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256')}/cryptoKeyVersions/1`;
    const wrapper = fixture.wrapper(version);
    const wrapped = await wrapper.wrap(randomBytes(32), CONTEXT);
    await fixture.setState(version, 'DISABLED');
    await expectEnvelopeError(wrapper.unwrap(wrapped, CONTEXT), ErrorCode.KEY_DISABLED);
  });

  it('reports a key that does not exist as KEY_NOT_FOUND', async () => {
    const missing = fixture.wrapper('projects/envelope-kit-tests/locations/us-east1/keyRings/envelope/cryptoKeys/missing');
    const error = await expectEnvelopeError(missing.wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_NOT_FOUND);
    expect((error.cause as { code?: number }).code).toBe(GRPC_STATUS.NOT_FOUND);
    await expectEnvelopeError(missing.resolve(), ErrorCode.KEY_NOT_FOUND);
  });

  it('reports an unknown token as PERMISSION_DENIED, with the UNAUTHENTICATED status as cause', async () => {
    const key = await fixture.createKey();
    const intruder = fixture.wrapper(key, { emulatorToken: 'stolen-or-expired' });
    const error = await expectEnvelopeError(intruder.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect((error.cause as { code?: number }).code).toBe(GRPC_STATUS.UNAUTHENTICATED);
    expect(error.message).not.toContain('stolen-or-expired');
    expect(fixture.kms.requestCount('Encrypt')).toBeGreaterThanOrEqual(1);
  });

  it('reports a caller without the IAM permission as PERMISSION_DENIED, and lets it do what it may', async () => {
    const key = await fixture.createKey();
    const producer = fixture.wrapper(key, { emulatorToken: 'admin' });
    const consumer = fixture.wrapper(key, { emulatorToken: 'decrypt-only' });
    const dataKey = randomBytes(32);
    const wrapped = await producer.wrap(dataKey, CONTEXT);

    const error = await expectEnvelopeError(consumer.wrap(randomBytes(32), CONTEXT), ErrorCode.PERMISSION_DENIED);
    expect(error.message).toContain('cloudkms.cryptoKeyVersions.useToEncrypt');
    expect(Buffer.from(await consumer.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
  });

  it('refuses an asymmetric key named without a version, saying how to name it', async () => {
    const key = await fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256');
    const wrapper = fixture.wrapper(key);
    const resolved = await expectEnvelopeError(wrapper.resolve(), ErrorCode.INVALID_ARGUMENT);
    expect(resolved.message).toContain(`gcpkms://${key}/cryptoKeyVersions/N`);
    // Wrapping by key name goes straight to Encrypt, which KMS refuses for this purpose.
    const wrapped = await expectEnvelopeError(wrapper.wrap(randomBytes(32), CONTEXT), ErrorCode.WRAP_FAILED);
    expect(wrapped.message).toMatch(/ASYMMETRIC_DECRYPT/);
  });
});
