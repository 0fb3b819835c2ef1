import { randomBytes } from 'node:crypto';
import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf, startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'key-state' };

describe('awskms key state and key type', () => {
  let fixture: KmsFixture;

  beforeAll(async () => {
    fixture = await startKms();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('reports a disabled key as KEY_DISABLED, for wrapping and for unwrapping, until it is enabled', async () => {
    const arn = await fixture.createKey();
    const key = fixture.wrapper(`awskms:///${arn}`, { maxAttempts: 1 });
    const envelope = await encrypt('sealed before', { keyring: key, context: CONTEXT });

    await fixture.admin.send(new DisableKeyCommand({ KeyId: arn }));
    const wrapError = await expectEnvelopeError(encrypt('x', { keyring: key }), ErrorCode.KEY_DISABLED);
    expect((wrapError.cause as Error).name).toBe('DisabledException');
    // Core keeps the code when the only key failed, so callers still see KEY_DISABLED.
    await expectEnvelopeError(decrypt(envelope, { keyring: key }), ErrorCode.KEY_DISABLED);

    await fixture.admin.send(new EnableKeyCommand({ KeyId: arn }));
    expect(Buffer.from((await decrypt(envelope, { keyring: key })).plaintext).toString()).toBe('sealed before');
  });

  it('reports a disabled RSA key as KEY_DISABLED when its public key was never fetched', async () => {
    const arn = await fixture.createKey({ spec: 'RSA_2048' });
    await fixture.admin.send(new DisableKeyCommand({ KeyId: arn }));
    const key = fixture.wrapper(`awskms:///${arn}`, { maxAttempts: 1 });
    await expectEnvelopeError(key.wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_DISABLED);
  });

  it('reports a key that does not exist as KEY_NOT_FOUND', async () => {
    const missing = fixture.wrapper('awskms://alias/does-not-exist?region=us-east-1', { maxAttempts: 1 });
    const error = await expectEnvelopeError(missing.wrap(randomBytes(32), CONTEXT), ErrorCode.KEY_NOT_FOUND);
    expect((error.cause as Error).name).toBe('NotFoundException');
    expect(error.message).toContain('alias/does-not-exist');
  });

  it('refuses a signing key, which cannot wrap, as INVALID_KEY without calling Encrypt', async () => {
    const arn = await fixture.createKey({ spec: 'RSA_2048', usage: 'SIGN_VERIFY' });
    const key = fixture.wrapper(`awskms://${keyIdOf(arn)}?region=us-east-1`);
    const error = await expectEnvelopeError(key.wrap(randomBytes(32), CONTEXT), ErrorCode.INVALID_KEY);
    expect(error.message).toContain('SIGN_VERIFY');
    expect(fixture.kms.requestCount('Encrypt')).toBe(0);
  });

  it('reports what it learned from DescribeKey', async () => {
    const arn = await fixture.createKey({ spec: 'RSA_3072', alias: 'alias/rsa-3072' });
    const key = fixture.wrapper('awskms://alias/rsa-3072?region=us-east-1');
    expect(await key.resolve()).toEqual({ arn, kind: 'rsa', keySpec: 'RSA_3072' });
    expect(key.keyArn).toBe(arn);
    // RSA-3072 with OAEP-SHA-256 wraps at most 384 - 66 = 318 bytes.
    await expectEnvelopeError(key.wrap(randomBytes(319), CONTEXT), ErrorCode.INVALID_ARGUMENT);
    expect((await key.wrap(randomBytes(318), CONTEXT)).ciphertext).toHaveLength(384);
  });
});
