import { CachingDataKeySource, decrypt, encrypt, Keyring } from '@envelope-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture;
beforeAll(async () => {
  fixture = await startKms();
});
afterAll(() => fixture.close());

// The call counts come from the emulator: what KMS would bill and throttle.
describe('data-key cache in front of AWS KMS', () => {
  it('encrypts 200 messages with one GenerateDataKey, and decrypts them with one Decrypt', async () => {
    const key = fixture.wrapper(`awskms:///${await fixture.createKey()}`);
    const cache = new CachingDataKeySource(new Keyring([key]), { maxAgeMs: 60_000, maxMessages: 1000 });
    await key.resolve();
    fixture.kms.resetRequestCounts();
    const envelopes = await Promise.all(Array.from({ length: 200 }, (_, i) => encrypt(`record ${i}`, { keyring: cache, context: { table: 't' } })));
    expect(fixture.kms.requestCounts()).toEqual({ GenerateDataKey: 1 });
    const opened = await Promise.all(envelopes.map((envelope) => decrypt(envelope, { keyring: cache })));
    expect(opened.map((r) => Buffer.from(r.plaintext).toString())).toEqual(Array.from({ length: 200 }, (_, i) => `record ${i}`));
    expect(fixture.kms.requestCounts()).toEqual({ GenerateDataKey: 1, Decrypt: 1 });
  });

  it('makes one KMS call per context and per data-key lifetime, against 200 without the cache', async () => {
    const key = fixture.wrapper(`awskms:///${await fixture.createKey()}`);
    await key.resolve();
    fixture.kms.resetRequestCounts();
    for (let i = 0; i < 200; i++) await encrypt('x', { keyring: key, context: { tenant: String(i % 4) } });
    expect(fixture.kms.requestCount('GenerateDataKey')).toBe(200);
    const cache = new CachingDataKeySource(new Keyring([key]), { maxAgeMs: 60_000, maxMessages: 25 });
    fixture.kms.resetRequestCounts();
    for (let i = 0; i < 200; i++) await encrypt('x', { keyring: cache, context: { tenant: String(i % 4) } });
    // 4 contexts x 50 messages each / 25 messages per data key.
    expect(fixture.kms.requestCount('GenerateDataKey')).toBe(8);
  });
});
