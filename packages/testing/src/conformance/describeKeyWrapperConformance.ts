import { randomBytes } from 'node:crypto';
import {
  decrypt,
  encrypt,
  ErrorCode,
  FIELD_BOUNDS,
  Keyring,
  wrapperMatches,
  type EncryptionContext,
  type KeyWrapper,
  type WrappedKey,
} from '@envelope-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelopeError } from './expectEnvelopeError.js';
import type { ConformanceKeys, KeyWrapperHarness } from './keyWrapperHarness.js';
import { malformedWrappedKeys } from './malformedWrappedKeys.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONCURRENCY = 100;
const DATA_KEY_BYTES = 32;

// Non-ASCII on both sides: providers must pass the context through, not an approximation of it.
const CONTEXT: EncryptionContext = Object.freeze({ purpose: 'conformance', tenant: 'zoë', 部门: '研发' });
const OTHER_CONTEXT: EncryptionContext = Object.freeze({ purpose: 'conformance', tenant: 'someone-else', 部门: '研发' });

/**
 * Codes a provider may use when handed bytes that were never a ciphertext of
 * its key. Refusals of a real ciphertext (wrong key, wrong context) must be
 * UNWRAP_FAILED; bytes that cannot even be parsed may also be MALFORMED or
 * INVALID_ARGUMENT.
 */
const MALFORMED_CODES = [ErrorCode.UNWRAP_FAILED, ErrorCode.MALFORMED, ErrorCode.INVALID_ARGUMENT];

/**
 * The KeyWrapper conformance suite: the behaviour every provider must share,
 * run against the provider's real backend (or its wire-level emulator).
 * Call it at the top level of a test file:
 *
 *   describeKeyWrapperConformance('awskms symmetric', {
 *     bindsContext: true,
 *     setup: async () => ({ keyA, keyB, companion }),
 *     teardown: async () => emulator.close(),
 *   });
 */
export function describeKeyWrapperConformance(name: string, harness: KeyWrapperHarness): void {
  const timeout = harness.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = harness.concurrency ?? DEFAULT_CONCURRENCY;

  describe(`KeyWrapper conformance: ${name}`, () => {
    let keys: ConformanceKeys | undefined;
    const given = (): ConformanceKeys => {
      if (!keys) throw new Error('the harness setup did not complete; see the beforeAll failure');
      return keys;
    };

    beforeAll(async () => {
      keys = await harness.setup();
      if (keys.keyA.providerId !== keys.keyB.providerId) {
        throw new Error(`keyA and keyB must be of one provider, got ${keys.keyA.providerId} and ${keys.keyB.providerId}`);
      }
    }, timeout);

    afterAll(async () => {
      await harness.teardown?.();
    }, timeout);

    describe('wrap and unwrap', () => {
      it('round-trips a data key and records who wrapped it', async () => {
        const { keyA } = given();
        const dataKey = randomBytes(DATA_KEY_BYTES);
        const wrapped = await keyA.wrap(dataKey, CONTEXT);

        expect(wrapped.providerId).toBe(keyA.providerId);
        expectWrappedKeyInBounds(wrapped);
        expect(wrapperMatches(keyA, wrapped), 'the wrapping key must match what it wrapped').toBe(true);
        expect(Buffer.from(await keyA.unwrap(wrapped, CONTEXT))).toEqual(dataKey);
      }, timeout);

      it('never shows the data key in the wrapped form, nor alters the caller\'s copy', async () => {
        const { keyA } = given();
        const dataKey = randomBytes(DATA_KEY_BYTES);
        const copy = Buffer.from(dataKey);
        const wrapped = await keyA.wrap(dataKey, CONTEXT);

        expect(Buffer.from(wrapped.ciphertext).includes(copy)).toBe(false);
        expect(dataKey).toEqual(copy);
      }, timeout);

      it('wraps data keys of 16, 32 and 64 bytes', async () => {
        const { keyA } = given();
        for (const length of [16, 32, 64]) {
          const dataKey = randomBytes(length);
          const wrapped = await keyA.wrap(dataKey, CONTEXT);
          expect(Buffer.from(await keyA.unwrap(wrapped, CONTEXT)), `${length}-byte data key`).toEqual(dataKey);
        }
      }, timeout);

      it('round-trips under an empty context', async () => {
        const { keyA } = given();
        const dataKey = randomBytes(DATA_KEY_BYTES);
        const wrapped = await keyA.wrap(dataKey, {});
        expect(Buffer.from(await keyA.unwrap(wrapped, {}))).toEqual(dataKey);
      }, timeout);

      it('randomizes its output: one data key wrapped twice gives two ciphertexts, both valid', async () => {
        const { keyA } = given();
        const dataKey = randomBytes(DATA_KEY_BYTES);
        const first = await keyA.wrap(dataKey, CONTEXT);
        const second = await keyA.wrap(dataKey, CONTEXT);

        expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
        expect(Buffer.from(await keyA.unwrap(first, CONTEXT))).toEqual(dataKey);
        expect(Buffer.from(await keyA.unwrap(second, CONTEXT))).toEqual(dataKey);
      }, timeout);
    });

    describe('two keys', () => {
      it('a data key wrapped by key A does not unwrap with key B', async () => {
        const { keyA, keyB } = given();
        const dataKey = randomBytes(DATA_KEY_BYTES);
        const byA = await keyA.wrap(dataKey, CONTEXT);
        const byB = await keyB.wrap(dataKey, CONTEXT);

        expect(byA.keyId, 'two keys must record two key ids').not.toBe(byB.keyId);
        expect(wrapperMatches(keyB, byA), 'key B must not claim what key A wrapped').toBe(false);
        expect(wrapperMatches(keyA, byB), 'key A must not claim what key B wrapped').toBe(false);
        await expectEnvelopeError(keyB.unwrap(byA, CONTEXT), ErrorCode.UNWRAP_FAILED);
        // Relabelled as B's: now only the backend itself stands between key B and A's ciphertext.
        const relabelled: WrappedKey = { ...byA, providerId: byB.providerId, keyId: byB.keyId };
        await expectEnvelopeError(keyB.unwrap(relabelled, CONTEXT), ErrorCode.UNWRAP_FAILED);
      }, timeout);

      it('does not claim wrapped keys of another provider', async () => {
        const { keyA } = given();
        const wrapped = await keyA.wrap(randomBytes(DATA_KEY_BYTES), CONTEXT);
        expect(wrapperMatches(keyA, { providerId: `not-${keyA.providerId}`, keyId: wrapped.keyId })).toBe(false);
      }, timeout);
    });

    describe('encryption context', () => {
      if (harness.bindsContext) {
        it('refuses to unwrap under a different, empty or extended context', async () => {
          const { keyA } = given();
          const wrapped = await keyA.wrap(randomBytes(DATA_KEY_BYTES), CONTEXT);
          await expectEnvelopeError(keyA.unwrap(wrapped, OTHER_CONTEXT), ErrorCode.UNWRAP_FAILED);
          await expectEnvelopeError(keyA.unwrap(wrapped, {}), ErrorCode.UNWRAP_FAILED);
          await expectEnvelopeError(keyA.unwrap(wrapped, { ...CONTEXT, extra: 'pair' }), ErrorCode.UNWRAP_FAILED);
        }, timeout);
      } else {
        it('declares honestly that the backend does not bind the context (the envelope header does)', async () => {
          const { keyA } = given();
          const dataKey = randomBytes(DATA_KEY_BYTES);
          const wrapped = await keyA.wrap(dataKey, CONTEXT);
          expect(Buffer.from(await keyA.unwrap(wrapped, OTHER_CONTEXT))).toEqual(dataKey);
        }, timeout);
      }
    });

    describe('damaged input', () => {
      it('refuses malformed and truncated wrapped keys with a typed EnvelopeError', async () => {
        const { keyA } = given();
        const good = await keyA.wrap(randomBytes(DATA_KEY_BYTES), CONTEXT);
        for (const { name: damage, wrapped } of malformedWrappedKeys(good)) {
          const error = await expectEnvelopeError(keyA.unwrap(wrapped, CONTEXT), MALFORMED_CODES);
          expect(error.message, damage).not.toBe('');
        }
      }, timeout);
    });

    describe('concurrency', () => {
      it(`wraps and unwraps ${concurrency} data keys at once`, async () => {
        const { keyA } = given();
        const dataKeys = Array.from({ length: concurrency }, () => randomBytes(DATA_KEY_BYTES));
        const wrapped = await Promise.all(dataKeys.map((dataKey) => keyA.wrap(dataKey, CONTEXT)));
        const unwrapped = await Promise.all(wrapped.map((w) => keyA.unwrap(w, CONTEXT)));
        unwrapped.forEach((dataKey, i) => expect(Buffer.from(dataKey), `data key ${i}`).toEqual(dataKeys[i]));
      }, timeout);
    });

    describe('data key generation', () => {
      it('generates data keys that unwrap to themselves, natively when the backend can', async () => {
        const { keyA } = given();
        const first = await new Keyring([keyA]).newDataKey(DATA_KEY_BYTES, CONTEXT);
        const second = await new Keyring([keyA]).newDataKey(DATA_KEY_BYTES, CONTEXT);
        expect(Buffer.from(first.dataKey).equals(Buffer.from(second.dataKey))).toBe(false);
        expect(Buffer.from(await keyA.unwrap(first.wrappedKeys[0]!, CONTEXT))).toEqual(Buffer.from(first.dataKey));

        if (keyA.generateDataKey) {
          for (const length of [16, 32]) {
            const generated = await keyA.generateDataKey(length, CONTEXT);
            expect(generated.dataKey.length).toBe(length);
            expect(generated.wrapped.providerId).toBe(keyA.providerId);
            expect(wrapperMatches(keyA, generated.wrapped)).toBe(true);
            expect(Buffer.from(await keyA.unwrap(generated.wrapped, CONTEXT))).toEqual(Buffer.from(generated.dataKey));
          }
        }
      }, timeout);
    });

    describe('envelopes through core', () => {
      it('encrypts and decrypts an envelope with this key alone', async () => {
        const { keyA, keyB } = given();
        const plaintext = randomBytes(1000);
        // A small frame size makes several frames, so the data key is used more than once.
        const envelope = await encrypt(plaintext, { keyring: keyA, context: CONTEXT, frameSize: 256 });

        const result = await decrypt(envelope, { keyring: keyA, expectedContext: CONTEXT });
        expect(Buffer.from(result.plaintext)).toEqual(plaintext);
        expect(result.context).toEqual(CONTEXT);
        await expectEnvelopeError(decrypt(envelope, { keyring: keyB }), [ErrorCode.NO_MATCHING_KEY, ErrorCode.UNWRAP_FAILED]);
      }, timeout);

      it('shares an envelope with the companion key: either one alone decrypts it', async () => {
        const { keyA, companion } = given();
        if (!companion) return;
        const plaintext = Buffer.from('mixed keyring conformance');
        for (const keyring of [[keyA, companion], [companion, keyA]]) {
          const envelope = await encrypt(plaintext, { keyring, context: CONTEXT });
          for (const alone of [keyA, companion]) {
            const result = await decrypt(envelope, { keyring: alone });
            expect(Buffer.from(result.plaintext), `${describeKey(alone)} alone, keyring ${keyring.map(describeKey).join(' + ')}`).toEqual(plaintext);
          }
        }
      }, timeout);
    });
  });
}

function expectWrappedKeyInBounds(wrapped: WrappedKey): void {
  const keyIdBytes = Buffer.byteLength(wrapped.keyId, 'utf8');
  expect(keyIdBytes, 'keyId length').toBeGreaterThanOrEqual(1);
  expect(keyIdBytes, 'keyId length').toBeLessThanOrEqual(FIELD_BOUNDS.maxKeyIdBytes);
  expect(wrapped.ciphertext).toBeInstanceOf(Uint8Array);
  expect(wrapped.ciphertext.length, 'ciphertext length').toBeGreaterThanOrEqual(1);
  expect(wrapped.ciphertext.length, 'ciphertext length').toBeLessThanOrEqual(FIELD_BOUNDS.maxWrappedKeyBytes);
}

function describeKey(wrapper: KeyWrapper): string {
  return `${wrapper.providerId}:${wrapper.keyId}`;
}
