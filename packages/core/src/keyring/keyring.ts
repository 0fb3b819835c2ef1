import { randomBytes } from 'node:crypto';
import { EnvelopeError, ErrorCode, type KeyFailure } from '../errors.js';
import type { EncryptionContext } from '../format/context.js';
import { keyLabel, wrapperMatches, type KeyWrapper, type WrappedKey } from './keyWrapper.js';

/** A data key and its wrapped forms, one per key in the keyring. */
export interface DataKeyMaterials {
  readonly dataKey: Uint8Array;
  readonly wrappedKeys: readonly WrappedKey[];
}

/** What the encryptor knows about the message a data key is for. */
export interface DataKeyUsage {
  /** Plaintext bytes, when known in advance (one-shot encryption). */
  readonly plaintextLength?: number;
}

/**
 * Where data keys come from and go back to. `Keyring` is the plain one;
 * a cache (or any policy) can stand in front of it with the same shape.
 * Both methods hand the caller a data key of its own, which it zeroes.
 */
export interface DataKeySource {
  /** A data key wrapped under every key. */
  newDataKey(length: number, context: EncryptionContext, usage?: DataKeyUsage): Promise<DataKeyMaterials>;
  /** The data key from the first wrapped key that a key can unwrap. */
  unwrapDataKey(wrappedKeys: readonly WrappedKey[], length: number, context: EncryptionContext): Promise<Uint8Array>;
  /** Releases what the source holds (clients of its keys, cached keys). */
  close?(): Promise<void>;
}

/**
 * A set of key-encryption keys: wraps with every key in parallel (an envelope
 * any of them can open), and unwraps with the first that succeeds, reporting
 * every failure when none does.
 */
export class Keyring implements DataKeySource {
  readonly wrappers: readonly KeyWrapper[];

  constructor(wrappers: Iterable<KeyWrapper>) {
    this.wrappers = Object.freeze([...wrappers]);
    if (this.wrappers.length === 0) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'a keyring needs at least one key');
    }
  }

  async newDataKey(length: number, context: EncryptionContext): Promise<DataKeyMaterials> {
    const [first, ...rest] = this.wrappers as [KeyWrapper, ...KeyWrapper[]];
    let dataKey: Uint8Array;
    let firstWrapped: Promise<WrappedKey> | WrappedKey;
    if (first.generateDataKey) {
      const generated = await attempt(first, 'generate a data key', () => first.generateDataKey!(length, context));
      dataKey = generated.dataKey;
      firstWrapped = generated.wrapped;
      if (dataKey.length !== length) {
        dataKey.fill(0);
        throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `key ${keyLabel(first)} generated a ${dataKey.length}-byte data key, expected ${length}`);
      }
    } else {
      dataKey = randomBytes(length);
      firstWrapped = attempt(first, 'wrap', () => first.wrap(dataKey, context));
    }
    try {
      const wrappedKeys = await Promise.all([
        firstWrapped,
        ...rest.map((wrapper) => attempt(wrapper, 'wrap', () => wrapper.wrap(dataKey, context))),
      ]);
      return { dataKey, wrappedKeys };
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
  }

  /** Closes every key that has something to close; one failure does not keep the others open. */
  async close(): Promise<void> {
    await Promise.allSettled(this.wrappers.map(async (wrapper) => wrapper.close?.()));
  }

  async unwrapDataKey(wrappedKeys: readonly WrappedKey[], length: number, context: EncryptionContext): Promise<Uint8Array> {
    const failures: KeyFailure[] = [];
    for (const wrapped of wrappedKeys) {
      for (const wrapper of this.wrappers) {
        if (!wrapperMatches(wrapper, wrapped)) continue;
        try {
          const dataKey = await attempt(wrapper, 'unwrap', () => wrapper.unwrap(wrapped, context));
          if (dataKey.length === length) return dataKey;
          dataKey.fill(0);
          throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `unwrapped data key is ${dataKey.length} bytes, expected ${length}`);
        } catch (error) {
          failures.push({ providerId: wrapped.providerId, keyId: wrapped.keyId, error: error as EnvelopeError });
        }
      }
    }
    if (failures.length === 0) {
      const present = wrappedKeys.map(keyLabel).join(', ');
      throw new EnvelopeError(
        ErrorCode.NO_MATCHING_KEY,
        `none of the keyring's keys (${this.wrappers.map(keyLabel).join(', ')}) wrapped this envelope's data key (wrapped by ${present})`,
      );
    }
    const summary = failures
      .map((f) => (f.error.message.includes(f.keyId) ? f.error.message : `${keyLabel(f)}: ${f.error.message}`))
      .join('; ');
    // Failures that agree keep their classification (KEY_DISABLED, PROVIDER_UNAVAILABLE...).
    const codes = new Set(failures.map((f) => f.error.code));
    const code = codes.size === 1 ? failures[0]!.error.code : ErrorCode.UNWRAP_FAILED;
    throw new EnvelopeError(code, `no key could unwrap the data key: ${summary}`, { failures, cause: failures[0]!.error });
  }
}

/** Runs one provider call, classifying anything that is not an EnvelopeError. */
async function attempt<T>(wrapper: KeyWrapper, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EnvelopeError) throw error;
    const code = action === 'unwrap' ? ErrorCode.UNWRAP_FAILED : ErrorCode.WRAP_FAILED;
    throw new EnvelopeError(code, `key ${keyLabel(wrapper)} could not ${action}`, { cause: error });
  }
}
