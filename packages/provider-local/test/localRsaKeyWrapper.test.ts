import { KeyObject, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type WrappedKey } from '@envelope-kit/core';
import { LocalRsaKeyWrapper, localKeyWrapper } from '../src/index.js';
import { expectEnvelopeError, rsaPair, type RsaPair } from './helpers.js';

const context = { tenant: 'acme', purpose: 'backup' };

let alice: RsaPair;
let bob: RsaPair;
let wrapper: LocalRsaKeyWrapper;

beforeAll(() => {
  alice = rsaPair();
  bob = rsaPair();
  wrapper = new LocalRsaKeyWrapper(alice.privateKey);
});

describe('LocalRsaKeyWrapper wrap/unwrap', () => {
  it('round-trips a data key under a non-empty context', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey, context);
    expect(Buffer.from(await wrapper.unwrap(wrapped, context))).toEqual(dataKey);
  });

  it('round-trips a data key under the empty context', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey, {});
    expect(Buffer.from(await wrapper.unwrap(wrapped, {}))).toEqual(dataKey);
  });

  it('records provider id "local", its key id, and a ciphertext one modulus long', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), context);
    expect(wrapped.providerId).toBe('local');
    expect(wrapped.keyId).toBe(wrapper.keyId);
    expect(wrapped.ciphertext.length).toBe(256);
  });

  it('produces a different ciphertext each time for the same key and context', async () => {
    const dataKey = randomBytes(32);
    const first = await wrapper.wrap(dataKey, context);
    const second = await wrapper.wrap(dataKey, context);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
  });

  it('does not unwrap under a different context (the context is the OAEP label)', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), context);
    const error = await expectEnvelopeError(() => wrapper.unwrap(wrapped, { ...context, tenant: 'evil' }), ErrorCode.UNWRAP_FAILED);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('does not unwrap a key wrapped under the empty context with a non-empty one', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), {});
    await expectEnvelopeError(() => wrapper.unwrap(wrapped, { a: '' }), ErrorCode.UNWRAP_FAILED);
  });

  it('refuses a key wrapped by another key id without trying it', async () => {
    const wrapped = await new LocalRsaKeyWrapper(bob.publicKey).wrap(randomBytes(32), context);
    const error = await expectEnvelopeError(() => wrapper.unwrap(wrapped, context), ErrorCode.UNWRAP_FAILED);
    expect(error.message).toContain(wrapped.keyId);
    expect(error.cause).toBeUndefined();
  });

  it('fails OAEP with the wrong private key even when the key id is relabelled', async () => {
    const wrapped = await new LocalRsaKeyWrapper(bob.publicKey).wrap(randomBytes(32), context);
    const relabelled: WrappedKey = { ...wrapped, keyId: wrapper.keyId };
    const error = await expectEnvelopeError(() => wrapper.unwrap(relabelled, context), ErrorCode.UNWRAP_FAILED);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a wrapped key of another provider', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), context);
    await expectEnvelopeError(() => wrapper.unwrap({ ...wrapped, providerId: 'awskms' }, context), ErrorCode.UNWRAP_FAILED);
  });

  it('detects a flipped bit anywhere in the ciphertext', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), context);
    for (const index of [0, 100, 255]) {
      const tampered = Buffer.from(wrapped.ciphertext);
      tampered[index]! ^= 0x01;
      await expectEnvelopeError(() => wrapper.unwrap({ ...wrapped, ciphertext: tampered }, context), ErrorCode.UNWRAP_FAILED);
    }
  });

  it('refuses a truncated or extended ciphertext before calling OpenSSL', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), context);
    for (const ciphertext of [wrapped.ciphertext.subarray(0, 255), Buffer.concat([wrapped.ciphertext, Buffer.of(0)]), new Uint8Array(0)]) {
      const error = await expectEnvelopeError(() => wrapper.unwrap({ ...wrapped, ciphertext }, context), ErrorCode.UNWRAP_FAILED);
      expect(error.message).toContain('256 bytes');
      expect(error.cause).toBeUndefined();
    }
  });

  it('refuses to wrap an empty data key or a non-Uint8Array', async () => {
    await expectEnvelopeError(() => wrapper.wrap(new Uint8Array(0), context), ErrorCode.INVALID_ARGUMENT);
    await expectEnvelopeError(() => wrapper.wrap('key' as unknown as Uint8Array, context), ErrorCode.INVALID_ARGUMENT);
  });

  it('wraps up to the OAEP capacity (190 bytes for 2048 bits) and refuses one byte more', async () => {
    const largest = randomBytes(190);
    expect(Buffer.from(await wrapper.unwrap(await wrapper.wrap(largest, {}), {}))).toEqual(largest);
    const error = await expectEnvelopeError(() => wrapper.wrap(randomBytes(191), {}), ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('190 bytes');
  });

  it('refuses a context that is not string pairs', async () => {
    await expectEnvelopeError(() => wrapper.wrap(randomBytes(32), { n: 1 } as unknown as Record<string, string>), ErrorCode.INVALID_ARGUMENT);
  });
});

describe('LocalRsaKeyWrapper with only the public key', () => {
  it('wraps a data key that the private key then unwraps', async () => {
    const sealer = localKeyWrapper(alice.publicKey);
    const dataKey = randomBytes(32);
    const wrapped = await sealer.wrap(dataKey, context);
    expect(wrapped.keyId).toBe(wrapper.keyId);
    expect(Buffer.from(await wrapper.unwrap(wrapped, context))).toEqual(dataKey);
  });

  it('refuses to unwrap with PERMISSION_DENIED', async () => {
    const sealer = localKeyWrapper(alice.publicKey);
    expect(sealer.hasPrivateKey).toBe(false);
    expect(wrapper.hasPrivateKey).toBe(true);
    const wrapped = await sealer.wrap(randomBytes(32), context);
    const error = await expectEnvelopeError(() => sealer.unwrap(wrapped, context), ErrorCode.PERMISSION_DENIED);
    expect(error.message).toContain('holds only the public key');
  });
});

describe('LocalRsaKeyWrapper hygiene', () => {
  it('exports the SPKI PEM of its public key, which wraps for the same key id', () => {
    const pem = wrapper.exportPublicKeyPem();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(localKeyWrapper(pem).keyId).toBe(wrapper.keyId);
  });

  it('keeps its key objects out of enumerable properties, JSON and inspection', () => {
    expect(Object.values(wrapper).some((value) => value instanceof KeyObject)).toBe(false);
    const shown = inspect(wrapper, { depth: 5 }) + JSON.stringify(wrapper);
    expect(shown).toContain(wrapper.keyId);
    expect(shown).not.toContain('KeyObject');
  });
});
