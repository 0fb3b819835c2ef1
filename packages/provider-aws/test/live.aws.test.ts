import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { describeKeyWrapperConformance, expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyWrapper, type AwsKmsKeyWrapper } from '../src/index.js';
import { localKey } from './support.js';

/**
 * Real AWS KMS, only when asked. Credentials and region come from the SDK's
 * default chain (env, profile, SSO, IMDS); the keys must be symmetric.
 *   ENVELOPE_LIVE_AWS_KEY_ARN    a key ARN: a round trip, context binding, an envelope
 *   ENVELOPE_LIVE_AWS_KEY_ARN_B  a second key ARN: with both, the full conformance suite
 */
const keyArn = process.env.ENVELOPE_LIVE_AWS_KEY_ARN;
const keyArnB = process.env.ENVELOPE_LIVE_AWS_KEY_ARN_B;
const LIVE_TIMEOUT_MS = 120_000;
const CONTEXT = { purpose: 'envelope-kit-live-test' };

if (keyArn === undefined) {
  console.info('[provider-aws] skipping live AWS KMS tests: set ENVELOPE_LIVE_AWS_KEY_ARN (and ENVELOPE_LIVE_AWS_KEY_ARN_B for the conformance suite) to run them.');
} else if (keyArnB === undefined) {
  console.info('[provider-aws] skipping the live AWS KMS conformance suite: it needs a second key in ENVELOPE_LIVE_AWS_KEY_ARN_B.');
}

describe.skipIf(keyArn === undefined)('live AWS KMS (ENVELOPE_LIVE_AWS_KEY_ARN)', () => {
  let key: AwsKmsKeyWrapper;

  beforeAll(async () => {
    key = createKeyWrapper(`awskms:///${keyArn}`);
    expect((await key.resolve()).kind, 'ENVELOPE_LIVE_AWS_KEY_ARN must be a symmetric key').toBe('symmetric');
  }, LIVE_TIMEOUT_MS);
  afterAll(() => key?.close());

  it('wraps, unwraps, and binds the context', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await key.wrap(dataKey, CONTEXT);
    expect(wrapped.keyId).toBe(keyArn);
    expect(Buffer.from(await key.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
    await expectEnvelopeError(key.unwrap(wrapped, { purpose: 'another' }), ErrorCode.UNWRAP_FAILED);
  }, LIVE_TIMEOUT_MS);

  it('encrypts and decrypts an envelope, with a data key from GenerateDataKey', async () => {
    const envelope = await encrypt('live', { keyring: key, context: CONTEXT });
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).toString()).toBe('live');
  }, LIVE_TIMEOUT_MS);
});

describe.skipIf(keyArn === undefined || keyArnB === undefined)('live AWS KMS conformance (ENVELOPE_LIVE_AWS_KEY_ARN and _B)', () => {
  const wrappers: AwsKmsKeyWrapper[] = [];
  describeKeyWrapperConformance('awskms against live AWS KMS', {
    bindsContext: true,
    timeoutMs: LIVE_TIMEOUT_MS,
    // Stay well inside the account's KMS request quota.
    concurrency: 20,
    async setup() {
      const keyA = createKeyWrapper(`awskms:///${keyArn}`);
      const keyB = createKeyWrapper(`awskms:///${keyArnB}`);
      wrappers.push(keyA, keyB);
      return { keyA, keyB, companion: await localKey() };
    },
    async teardown() {
      for (const wrapper of wrappers) wrapper.close();
    },
  });
});
