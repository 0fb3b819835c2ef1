import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyWrapper, parseGcpKmsKeyUri, type GcpKmsKeyWrapper } from '../src/index.js';

/**
 * Against real Cloud KMS, with Application Default Credentials. Set
 * ENVELOPE_LIVE_GCP_KEY to a gcpkms:// URI of a key you may use (symmetric,
 * or an RSA_DECRYPT_OAEP_*_SHA256 version), e.g.
 *   ENVELOPE_LIVE_GCP_KEY=gcpkms://projects/P/locations/global/keyRings/R/cryptoKeys/K npx vitest run test/live.test.ts
 */
const LIVE_KEY = process.env['ENVELOPE_LIVE_GCP_KEY'];
if (!LIVE_KEY) console.info('gcpkms live tests skipped: set ENVELOPE_LIVE_GCP_KEY to a gcpkms:// key URI to run them against Cloud KMS');

const CONTEXT = { purpose: 'live-test', run: randomBytes(4).toString('hex') };

describe.skipIf(!LIVE_KEY)('gcpkms against real Cloud KMS', () => {
  let wrapper: GcpKmsKeyWrapper;
  const key = () => (wrapper ??= createKeyWrapper(LIVE_KEY ?? ''));

  afterAll(async () => {
    await wrapper?.close();
  });

  it('wraps and unwraps a data key, with checksums verified both ways', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await key().wrap(dataKey, CONTEXT);
    expect(Buffer.from(await key().unwrap(wrapped, CONTEXT))).toEqual(dataKey);
  }, 30_000);

  it('binds the context for symmetric keys', async () => {
    if (parseGcpKmsKeyUri(LIVE_KEY ?? '').version !== undefined && (await key().resolve()).kind === 'rsa') return;
    const wrapped = await key().wrap(randomBytes(32), CONTEXT);
    await expectEnvelopeError(key().unwrap(wrapped, { ...CONTEXT, run: 'another' }), ErrorCode.UNWRAP_FAILED);
  }, 30_000);

  it('encrypts and decrypts an envelope', async () => {
    const envelope = await encrypt('hello from the live test', { keyring: key(), context: CONTEXT });
    expect(Buffer.from((await decrypt(envelope, { keyring: key() })).plaintext).toString()).toBe('hello from the live test');
  }, 30_000);
});
