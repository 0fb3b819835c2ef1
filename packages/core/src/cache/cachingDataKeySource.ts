import { createHash } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { encodeContext, type EncryptionContext } from '../format/context.js';
import type { DataKeyMaterials, DataKeySource, DataKeyUsage } from '../keyring/keyring.js';
import type { WrappedKey } from '../keyring/keyWrapper.js';
import { LruMap } from './lruMap.js';
import { SingleFlight } from './singleFlight.js';

export interface DataKeyCacheOptions {
  /** How long (ms) a data key may be reused to encrypt, or kept after an unwrap. No default: choose it. */
  readonly maxAgeMs: number;
  /** Messages one data key may encrypt (default 1,000). */
  readonly maxMessages?: number | undefined;
  /**
   * Plaintext bytes one data key may encrypt (default: no limit). With a
   * limit, messages of unknown length (streams) always get a fresh data key.
   */
  readonly maxBytes?: number | undefined;
  /** Entries kept on each side, least recently used dropped first (default 100). */
  readonly capacity?: number | undefined;
  /** The clock, in ms (tests pass a fake one). */
  readonly now?: () => number;
}

export interface DataKeyCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly bypassed: number;
}

interface Entry {
  readonly dataKey: Uint8Array;
  readonly wrappedKeys: readonly WrappedKey[];
  readonly createdAt: number;
  messages: number;
  bytes: number;
  /** Set when the entry is dropped and its key zeroed; holders must not use it. */
  evicted: boolean;
}

/**
 * A data-key cache in front of a keyring (after the AWS Encryption SDK's
 * caching materials manager). Encrypting reuses one data key per encryption
 * context within limits on age, messages and bytes; decrypting keeps
 * unwrapped data keys by the exact wrapped keys and context, for `maxAgeMs`.
 * Concurrent misses for one entry make one key-service call, and dropped
 * entries are zeroed.
 *
 * Reuse is safe for the format: every message still gets its own keys from
 * its random message id. What it costs: one exposed data key exposes every
 * message it encrypted, and a key removed from the keyring (or access revoked
 * in the KMS) keeps working for cached entries until they expire. So it is
 * off unless you put it in front of a keyring.
 */
export class CachingDataKeySource implements DataKeySource {
  private readonly maxAgeMs: number;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly encrypting: LruMap<string, Entry>;
  private readonly decrypting: LruMap<string, Entry>;
  private readonly newFlights = new SingleFlight<string, Entry>();
  private readonly unwrapFlights = new SingleFlight<string, Entry>();
  private readonly counts = { hits: 0, misses: 0, bypassed: 0 };

  constructor(
    private readonly inner: DataKeySource,
    options: DataKeyCacheOptions,
  ) {
    this.maxAgeMs = positive('maxAgeMs', options.maxAgeMs);
    this.maxMessages = positive('maxMessages', options.maxMessages ?? 1000);
    this.maxBytes = positive('maxBytes', options.maxBytes ?? Infinity);
    const capacity = positive('capacity', options.capacity ?? 100);
    this.now = options.now ?? Date.now;
    this.encrypting = new LruMap(capacity, evict);
    this.decrypting = new LruMap(capacity, evict);
  }

  get stats(): DataKeyCacheStats {
    return { ...this.counts };
  }

  async newDataKey(length: number, context: EncryptionContext, usage: DataKeyUsage = {}): Promise<DataKeyMaterials> {
    const bytes = usage.plaintextLength;
    if (bytes === undefined ? this.maxBytes !== Infinity : bytes > this.maxBytes) {
      this.counts.bypassed++;
      return this.inner.newDataKey(length, context, usage);
    }
    const key = `${length}:${encodeContext(context).toString('hex')}`;
    for (;;) {
      let entry = this.encrypting.get(key);
      if (entry && this.usable(entry, bytes ?? 0)) {
        this.counts.hits++;
      } else {
        if (entry) this.encrypting.delete(key);
        this.counts.misses++;
        entry = await this.newFlights.run(key, async () => {
          const materials = await this.inner.newDataKey(length, context, usage);
          return this.store(this.encrypting, key, materials.dataKey, materials.wrappedKeys);
        });
        // Other callers woken by the same miss may have used it up meanwhile.
        if (!this.usable(entry, bytes ?? 0)) continue;
      }
      entry.messages++;
      entry.bytes += bytes ?? 0;
      return { dataKey: Buffer.from(entry.dataKey), wrappedKeys: entry.wrappedKeys };
    }
  }

  async unwrapDataKey(wrappedKeys: readonly WrappedKey[], length: number, context: EncryptionContext): Promise<Uint8Array> {
    const key = identity(wrappedKeys, length, context);
    for (;;) {
      let entry = this.decrypting.get(key);
      if (entry && this.fresh(entry)) {
        this.counts.hits++;
      } else {
        if (entry) this.decrypting.delete(key);
        this.counts.misses++;
        entry = await this.unwrapFlights.run(key, async () => {
          const dataKey = await this.inner.unwrapDataKey(wrappedKeys, length, context);
          return this.store(this.decrypting, key, dataKey, wrappedKeys);
        });
        if (!this.fresh(entry)) continue;
      }
      return Buffer.from(entry.dataKey);
    }
  }

  /** Drops and zeroes every entry. */
  clear(): void {
    this.encrypting.clear();
    this.decrypting.clear();
  }

  /** Zeroes every entry and closes the source behind the cache. */
  async close(): Promise<void> {
    this.clear();
    await this.inner.close?.();
  }

  private store(map: LruMap<string, Entry>, key: string, dataKey: Uint8Array, wrappedKeys: readonly WrappedKey[]): Entry {
    const entry: Entry = { dataKey, wrappedKeys, createdAt: this.now(), messages: 0, bytes: 0, evicted: false };
    map.set(key, entry);
    return entry;
  }

  private fresh(entry: Entry): boolean {
    return !entry.evicted && this.now() - entry.createdAt < this.maxAgeMs;
  }

  private usable(entry: Entry, bytes: number): boolean {
    return this.fresh(entry) && entry.messages < this.maxMessages && entry.bytes + bytes <= this.maxBytes;
  }
}

function evict(entry: Entry): void {
  entry.evicted = true;
  entry.dataKey.fill(0);
}

/** The exact wrapped keys and context an unwrapped data key belongs to. */
function identity(wrappedKeys: readonly WrappedKey[], length: number, context: EncryptionContext): string {
  const hash = createHash('sha256').update(`${length}\0`).update(encodeContext(context));
  for (const wrapped of wrappedKeys) {
    hash.update(`\0${wrapped.providerId}\0${wrapped.keyId}\0${wrapped.ciphertext.length}\0`).update(wrapped.ciphertext);
  }
  return hash.digest('hex');
}

function positive(name: string, value: number): number {
  if (!(value > 0) || (!Number.isSafeInteger(value) && value !== Infinity)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `data key cache ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
