import { describe, expect, it } from 'vitest';
import { CachingDataKeySource, decrypt, encrypt, encryptStream, ErrorCode, inspect, Keyring } from '../src/index.js';
import { chunked, collect, errorOf, TestKms } from './helpers.js';

/** A keyring over one counting key, behind a cache with a fake clock. */
function cached(options: Partial<ConstructorParameters<typeof CachingDataKeySource>[1]> = {}) {
  const kms = new TestKms('cached');
  const clock = { now: 0 };
  const cache = new CachingDataKeySource(new Keyring([kms]), { maxAgeMs: 60_000, now: () => clock.now, ...options });
  return { kms, clock, cache };
}

describe('data key cache, encrypting', () => {
  it('reuses one data key for many messages with the same context: one KMS call instead of 100', async () => {
    const { kms, cache } = cached();
    for (let i = 0; i < 100; i++) await encrypt(`message ${i}`, { keyring: cache, context: { tenant: 'a' } });
    expect(kms.calls.wrap).toBe(1);
    expect(cache.stats).toEqual({ hits: 99, misses: 1, bypassed: 0 });
  });

  it('gives each message its own message id and keys even with a reused data key', async () => {
    const { kms, cache } = cached();
    const a = await encrypt('same', { keyring: cache });
    const b = await encrypt('same', { keyring: cache });
    expect(Buffer.from(a).equals(b)).toBe(false);
    expect(Buffer.from(a).subarray(7, 39).equals(Buffer.from(b).subarray(7, 39))).toBe(false);
    // Both open, with the plain key and no cache.
    for (const envelope of [a, b]) expect(Buffer.from((await decrypt(envelope, { keyring: kms })).plaintext).toString()).toBe('same');
  });

  it('keeps separate data keys per encryption context', async () => {
    const { kms, cache } = cached();
    await encrypt('x', { keyring: cache, context: { tenant: 'a' } });
    await encrypt('x', { keyring: cache, context: { tenant: 'b' } });
    await encrypt('x', { keyring: cache, context: { tenant: 'a' } });
    expect(kms.calls.wrap).toBe(2);
  });

  it('makes one KMS call for 50 concurrent misses', async () => {
    const { kms, cache } = cached();
    await Promise.all(Array.from({ length: 50 }, () => encrypt('x', { keyring: cache })));
    expect(kms.calls.wrap).toBe(1);
  });

  it('renews the data key after maxMessages', async () => {
    const { kms, cache } = cached({ maxMessages: 10 });
    for (let i = 0; i < 25; i++) await encrypt('x', { keyring: cache });
    expect(kms.calls.wrap).toBe(3);
  });

  it('respects maxMessages under concurrency', async () => {
    const { kms, cache } = cached({ maxMessages: 4 });
    const envelopes = await Promise.all(Array.from({ length: 20 }, () => encrypt('x', { keyring: cache })));
    expect(kms.calls.wrap).toBe(5);
    // No data key served more than maxMessages messages.
    const uses = new Map<string, number>();
    for (const envelope of envelopes) {
      const id = Buffer.from((await inspect(envelope)).wrappedKeys[0]!.ciphertext).toString('hex');
      uses.set(id, (uses.get(id) ?? 0) + 1);
    }
    expect([...uses.values()]).toEqual([4, 4, 4, 4, 4]);
  });

  it('renews the data key once maxAgeMs has passed', async () => {
    const { kms, clock, cache } = cached({ maxAgeMs: 1000 });
    await encrypt('x', { keyring: cache });
    clock.now = 999;
    await encrypt('x', { keyring: cache });
    clock.now = 1000;
    await encrypt('x', { keyring: cache });
    expect(kms.calls.wrap).toBe(2);
  });

  it('renews the data key before maxBytes would be exceeded, and bypasses for unknown or oversized lengths', async () => {
    const { kms, cache } = cached({ maxBytes: 100 });
    await encrypt(Buffer.alloc(60), { keyring: cache });
    await encrypt(Buffer.alloc(40), { keyring: cache }); // 100: still within
    await encrypt(Buffer.alloc(1), { keyring: cache }); // 101: new key
    expect(kms.calls.wrap).toBe(2);
    await encrypt(Buffer.alloc(101), { keyring: cache }); // larger than the limit: never cached
    await collect(chunked(Buffer.alloc(10), 5).pipe(encryptStream({ keyring: cache }))); // stream: length unknown
    expect(kms.calls.wrap).toBe(4);
    expect(cache.stats.bypassed).toBe(2);
  });

  it('zeroes data keys it drops (capacity)', async () => {
    const keyring = new Keyring([new TestKms('z')]);
    const handed: Uint8Array[] = [];
    const spy = {
      newDataKey: async (...args: Parameters<Keyring['newDataKey']>) => {
        const materials = await keyring.newDataKey(...args);
        handed.push(materials.dataKey);
        return materials;
      },
      unwrapDataKey: keyring.unwrapDataKey.bind(keyring),
    };
    const cache = new CachingDataKeySource(spy, { maxAgeMs: 60_000, capacity: 2 });
    for (const tenant of ['a', 'b', 'c']) await encrypt('x', { keyring: cache, context: { tenant } });
    expect(handed[0]!.every((b) => b === 0)).toBe(true); // 'a' was evicted
    expect(handed[2]!.some((b) => b !== 0)).toBe(true); // 'c' is live
    cache.clear();
    expect(handed.every((key) => key.every((b) => b === 0))).toBe(true);
  });

  it('refuses options without a sensible bound', async () => {
    expect((await errorOf(() => new CachingDataKeySource(new Keyring([new TestKms('x')]), { maxAgeMs: 0 }))).code).toBe(
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});

describe('data key cache, decrypting', () => {
  it('unwraps each envelope data key once, then serves it from memory', async () => {
    const { kms, cache } = cached();
    const envelope = await encrypt('x', { keyring: kms });
    for (let i = 0; i < 10; i++) await decrypt(envelope, { keyring: cache });
    expect(kms.calls.unwrap).toBe(1);
  });

  it('makes one KMS call for 50 concurrent decrypts of one envelope', async () => {
    const { kms, cache } = cached();
    const envelope = await encrypt('x', { keyring: kms });
    await Promise.all(Array.from({ length: 50 }, () => decrypt(envelope, { keyring: cache })));
    expect(kms.calls.unwrap).toBe(1);
  });

  it('forgets unwrapped keys after maxAgeMs', async () => {
    const { kms, clock, cache } = cached({ maxAgeMs: 1000 });
    const envelope = await encrypt('x', { keyring: kms });
    await decrypt(envelope, { keyring: cache });
    clock.now = 1000;
    await decrypt(envelope, { keyring: cache });
    expect(kms.calls.unwrap).toBe(2);
  });

  it('does not let a cached key open an envelope whose context was changed', async () => {
    const { kms, cache } = cached();
    const envelope = Buffer.from(await encrypt('x', { keyring: kms, context: { tenant: 'acme' } }));
    await decrypt(envelope, { keyring: cache });
    const altered = Buffer.from(envelope.toString('latin1').replace('acme', 'acmf'), 'latin1');
    // A different context is a different cache entry: the KMS is asked, and refuses.
    expect((await errorOf(() => decrypt(altered, { keyring: cache }))).code).toBe(ErrorCode.UNWRAP_FAILED);
  });

  it('does not cache failures', async () => {
    const { kms, cache } = cached();
    const envelope = await encrypt('x', { keyring: kms });
    const impostor = new CachingDataKeySource(new Keyring([new TestKms('cached')]), { maxAgeMs: 60_000 });
    expect((await errorOf(() => decrypt(envelope, { keyring: impostor }))).code).toBe(ErrorCode.UNWRAP_FAILED);
    expect((await errorOf(() => decrypt(envelope, { keyring: impostor }))).code).toBe(ErrorCode.UNWRAP_FAILED);
    expect(impostor.stats.misses).toBe(2);
    await decrypt(envelope, { keyring: cache });
  });
});
