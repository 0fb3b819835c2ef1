import { decrypt, encrypt, ErrorCode, inspect } from '@envelope-kit/core';
import type { LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsKmsKeyWrapper } from '../src/index.js';
import { localKey, startKms, type KmsFixture } from './support.js';

const CONTEXT = { tenant: 'acme', purpose: 'mixed-keyring' };
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('awskms and local keys in one keyring', () => {
  let fixture: KmsFixture;
  let symmetric: AwsKmsKeyWrapper;
  let rsa: AwsKmsKeyWrapper;
  let local: LocalRsaKeyWrapper;

  beforeAll(async () => {
    fixture = await startKms();
    const [symmetricArn, rsaArn] = await Promise.all([fixture.createKey(), fixture.createKey({ spec: 'RSA_2048' })]);
    symmetric = fixture.wrapper(`awskms:///${symmetricArn}`, { maxAttempts: 1 });
    rsa = fixture.wrapper(`awskms:///${rsaArn}`, { maxAttempts: 1 });
    local = await localKey();
  });
  afterEach(async () => {
    await fixture.kms.goOnline();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('an envelope wrapped by AWS keys and a local key decrypts with any one of them alone', async () => {
    const envelope = await encrypt('three ways in', { keyring: [symmetric, rsa, local], context: CONTEXT });
    expect((await inspect(envelope)).wrappedKeys.map((w) => w.providerId)).toEqual(['awskms', 'awskms', 'local']);
    for (const alone of [symmetric, rsa, local]) {
      const result = await decrypt(envelope, { keyring: alone, expectedContext: CONTEXT });
      expect(text(result.plaintext), `${alone.providerId}:${alone.keyId}`).toBe('three ways in');
    }
  });

  it('decrypts with the local key when KMS is down', async () => {
    const envelope = await encrypt('kept safe twice', { keyring: [symmetric, local], context: CONTEXT });
    await fixture.kms.goOffline();

    const result = await decrypt(envelope, { keyring: [symmetric, local] });
    expect(text(result.plaintext)).toBe('kept safe twice');

    // Without the local key the outage is the answer, and it says so.
    const error = await expectEnvelopeError(decrypt(envelope, { keyring: [symmetric] }), ErrorCode.PROVIDER_UNAVAILABLE);
    expect(error.failures.map((f) => f.error.code)).toEqual([ErrorCode.PROVIDER_UNAVAILABLE]);
  });

  it('keeps wrapping with an RSA key whose public key it already holds while KMS is down', async () => {
    await rsa.wrap(Buffer.alloc(32, 1), {}); // fetches the public key once
    await fixture.kms.goOffline();
    const envelope = await encrypt('written during an outage', { keyring: [rsa, local], context: CONTEXT });
    expect(text((await decrypt(envelope, { keyring: local })).plaintext)).toBe('written during an outage');
    await fixture.kms.goOnline();
    expect(text((await decrypt(envelope, { keyring: rsa })).plaintext)).toBe('written during an outage');
  });
});
