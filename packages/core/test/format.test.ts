import { describe, expect, it } from 'vitest';
import { decodeContext, decrypt, encodeContext, encrypt, ErrorCode } from '../src/index.js';
import { errorOf, TestKms } from './helpers.js';

const key = new TestKms('format');
const envelope = Buffer.from(await encrypt('x', { keyring: key }));

describe('reading what is not a v1 envelope', () => {
  it('names the magic bytes it found', async () => {
    const gzip = Buffer.concat([Buffer.from('1f8b0800', 'hex'), envelope.subarray(4)]);
    const error = await errorOf(() => decrypt(gzip, { keyring: key }));
    expect(error.code).toBe(ErrorCode.MALFORMED);
    expect(error.message).toContain('0x1f8b0800');
  });

  it('names the version it found', async () => {
    const v2 = Buffer.from(envelope);
    v2[4] = 2;
    const error = await errorOf(() => decrypt(v2, { keyring: key }));
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(error.message).toContain('version 2');
  });

  it('names the suite it found', async () => {
    const other = Buffer.from(envelope);
    other.writeUInt16BE(0x0102, 5);
    const error = await errorOf(() => decrypt(other, { keyring: key }));
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_SUITE);
    expect(error.message).toContain('0x0102');
  });

  it('rejects non-bytes input to the one-shot API with a typed error', async () => {
    const error = await errorOf(() => decrypt('not bytes' as unknown as Uint8Array, { keyring: key }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('canonical context encoding', () => {
  it('sorts pairs by key bytes and length-prefixes each field', () => {
    expect(encodeContext({ b: '2', a: '1' }).toString('hex')).toBe('0002' + '000161' + '000131' + '000162' + '000132');
    expect(encodeContext({}).toString('hex')).toBe('0000');
  });

  it('round-trips Unicode keys and values', () => {
    const context = { 'ключ': 'значение', emoji: '✉️', empty: '' };
    expect(decodeContext(encodeContext(context))).toEqual(context);
  });

  it.each([
    ['unsorted keys', '0002' + '000162' + '000132' + '000161' + '000131'],
    ['duplicate keys', '0002' + '000161' + '000131' + '000161' + '000132'],
    ['an empty key', '0001' + '0000' + '000131'],
    ['trailing bytes', '0000' + '00'],
    ['a pair cut short', '0001' + '000161' + '0005' + '31'],
    ['invalid UTF-8', '0001' + '0001ff' + '000131'],
  ])('rejects %s as MALFORMED', async (_name, hex) => {
    expect((await errorOf(() => decodeContext(Buffer.from(hex, 'hex')))).code).toBe(ErrorCode.MALFORMED);
  });

  it.each([
    ['a lone surrogate', { k: '\ud800' }],
    ['an empty key', { '': 'v' }],
    ['a non-string value', { k: 1 as unknown as string }],
  ])('refuses to encode %s', async (_name, context) => {
    expect((await errorOf(() => encodeContext(context))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});
