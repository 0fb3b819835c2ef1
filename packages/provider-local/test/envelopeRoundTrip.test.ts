import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decrypt, encrypt, ErrorCode, inspect } from '@envelope-kit/core';
import { LocalRsaKeyWrapper, localKeyWrapper } from '../src/index.js';
import { expectEnvelopeError, rsaPair } from './helpers.js';

let first: LocalRsaKeyWrapper;
let second: LocalRsaKeyWrapper;
let stranger: LocalRsaKeyWrapper;
const plaintext = randomBytes(100_000);
const context = { app: 'billing', env: 'prod' };

beforeAll(() => {
  first = localKeyWrapper(rsaPair().privateKey);
  second = localKeyWrapper(rsaPair().privateKey);
  stranger = localKeyWrapper(rsaPair().privateKey);
});

describe('envelopes sealed with local keys', () => {
  it('decrypt recovers what encrypt sealed with one local key', async () => {
    const envelope = await encrypt(plaintext, { keyring: first, context });
    const result = await decrypt(envelope, { keyring: first, expectedContext: context });
    expect(Buffer.from(result.plaintext).equals(plaintext)).toBe(true);
    expect(result.context).toEqual(context);
  });

  it('an envelope sealed for two local keys opens with either key alone', async () => {
    const envelope = await encrypt(plaintext, { keyring: [first, second], context });
    const keyIds = (await inspect(envelope)).wrappedKeys.map((key) => key.keyId);
    expect(keyIds).toEqual([first.keyId, second.keyId]);
    for (const key of [first, second]) {
      const result = await decrypt(envelope, { keyring: key });
      expect(Buffer.from(result.plaintext).equals(plaintext)).toBe(true);
    }
  });

  it('a producer holding only the public key seals what it cannot open', async () => {
    const producer = localKeyWrapper(first.exportPublicKeyPem());
    const envelope = await encrypt(plaintext, { keyring: producer, context });
    await expectEnvelopeError(() => decrypt(envelope, { keyring: producer }), ErrorCode.PERMISSION_DENIED);
    const result = await decrypt(envelope, { keyring: first });
    expect(Buffer.from(result.plaintext).equals(plaintext)).toBe(true);
  });

  it('a key the envelope was not sealed for finds no matching key', async () => {
    const envelope = await encrypt(plaintext, { keyring: [first, second], context });
    await expectEnvelopeError(() => decrypt(envelope, { keyring: stranger }), ErrorCode.NO_MATCHING_KEY);
  });
});
