import { decrypt, encrypt, ErrorCode, inspect, rewrap } from '@envelope-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKey, startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture;
beforeAll(async () => {
  fixture = await startKms();
});
afterAll(() => fixture.close());

const context = { tenant: 'acme' };
const plaintext = Buffer.from('rotate the key, not the data '.repeat(200));

describe('rewrap with AWS KMS ReEncrypt', () => {
  it.each([
    ['symmetric', 'SYMMETRIC_DEFAULT'],
    ['RSA', 'RSA_2048'],
  ] as const)('moves a data key from one KMS key to a %s key inside KMS, without wrapping the data key', async (_name, spec) => {
    const from = fixture.wrapper(`awskms:///${await fixture.createKey()}`);
    const to = fixture.wrapper(`awskms:///${await fixture.createKey({ spec })}`);
    const original = await encrypt(plaintext, { keyring: from, context });
    fixture.kms.resetRequestCounts();
    const { envelope, report } = await rewrap(original, { keyring: from, add: [to], remove: [from.keyArn!] });
    expect(fixture.kms.requestCount('ReEncrypt')).toBe(1);
    expect(fixture.kms.requestCount('Encrypt')).toBe(0);
    expect(report.added).toEqual([`awskms:${to.keyArn}`]);
    expect(Buffer.from((await decrypt(envelope, { keyring: to })).plaintext).equals(plaintext)).toBe(true);
    expect((await inspect(envelope)).wrappedKeys.map((k) => k.keyId)).toEqual([to.keyArn]);
    await expect(decrypt(envelope, { keyring: from })).rejects.toMatchObject({ code: ErrorCode.NO_MATCHING_KEY });
  });

  it('wraps the data key itself when the source is not a KMS key (local to KMS)', async () => {
    const local = await localKey();
    const to = fixture.wrapper(`awskms:///${await fixture.createKey()}`);
    const original = await encrypt(plaintext, { keyring: local, context });
    fixture.kms.resetRequestCounts();
    const { envelope } = await rewrap(original, { keyring: local, add: [to], remove: [local.keyId] });
    expect(fixture.kms.requestCount('ReEncrypt')).toBe(0);
    expect(fixture.kms.requestCount('Encrypt')).toBe(1);
    expect(Buffer.from((await decrypt(envelope, { keyring: to })).plaintext).equals(plaintext)).toBe(true);
    await expect(decrypt(envelope, { keyring: local })).rejects.toMatchObject({ code: ErrorCode.NO_MATCHING_KEY });
  });
});
