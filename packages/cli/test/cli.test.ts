import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_SUFFIX } from '@envelope-kit/core';
import { envelope } from './run.js';

let dir: string;
const file = (name: string) => join(dir, name);
const plaintext = randomBytes(200_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'envelope-cli-'));
  writeFileSync(file('data.bin'), plaintext);
  for (const name of ['alice', 'bob']) {
    const result = await envelope(dir, ['keygen', '--out', `${name}.pem`, '--bits', '2048']);
    expect(result.code, result.stderr).toBe(0);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files in the work directory other than the given ones: temp files must never be left. */
const strayFiles = () => readdirSync(dir).filter((name) => name.endsWith(TEMP_SUFFIX));

describe('envelope keygen', () => {
  it('writes a 0600 private key and a public key, and names the key id', async () => {
    const result = await envelope(dir, ['keygen', '--out', 'carol.pem', '--bits', '2048']);
    expect(result.code).toBe(0);
    expect(statSync(file('carol.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(file('carol.pub.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(result.stdout.toString()).toMatch(/key id\s+sha256:[0-9a-f]{64}/);
  });

  it('refuses to overwrite an existing key', async () => {
    const before = readFileSync(file('alice.pem'));
    const result = await envelope(dir, ['keygen', '--out', 'alice.pem', '--bits', '2048']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^envelope: .*exists.*\n$/);
    expect(readFileSync(file('alice.pem')).equals(before)).toBe(true);
  });
});

describe('envelope encrypt / decrypt', () => {
  it('round-trips a file under two keys, each of which decrypts alone', async () => {
    const enc = await envelope(dir, [
      'encrypt', '--key', 'local:alice.pub.pem', '--key', `local://${file('bob.pub.pem')}`,
      '--context', 'app=billing', '--frame-size', '4096', '--out', 'two.env', 'data.bin',
    ]);
    expect(enc.code, enc.stderr).toBe(0);
    for (const key of ['alice', 'bob']) {
      const dec = await envelope(dir, ['decrypt', '--key', `local:${key}.pem`, '--out', `two-${key}.out`, 'two.env']);
      expect(dec.code, dec.stderr).toBe(0);
      expect(readFileSync(file(`two-${key}.out`)).equals(plaintext)).toBe(true);
      expect(statSync(file(`two-${key}.out`)).mode & 0o777).toBe(0o600);
    }
  });

  it('streams standard input to standard output', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', 'local:alice.pub.pem'], plaintext);
    expect(enc.code, enc.stderr).toBe(0);
    const dec = await envelope(dir, ['decrypt', '--key', 'local:alice.pem', '-'], enc.stdout);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout.equals(plaintext)).toBe(true);
  });

  it('round-trips an empty file', async () => {
    writeFileSync(file('empty.bin'), '');
    expect((await envelope(dir, ['encrypt', '-k', 'local:alice.pem', '-o', 'empty.env', 'empty.bin'])).code).toBe(0);
    const dec = await envelope(dir, ['decrypt', '-k', 'local:alice.pem', 'empty.env']);
    expect(dec.code).toBe(0);
    expect(dec.stdout.length).toBe(0);
  });

  it('checks required context pairs', async () => {
    await envelope(dir, ['encrypt', '--key', 'local:alice.pem', '--context', 'app=billing', '--out', 'ctx.env', 'data.bin']);
    const ok = await envelope(dir, ['decrypt', '--key', 'local:alice.pem', '--context', 'app=billing', 'ctx.env']);
    expect(ok.code).toBe(0);
    const wrong = await envelope(dir, ['decrypt', '--key', 'local:alice.pem', '--context', 'app=payroll', '--out', 'ctx.out', 'ctx.env']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('[CONTEXT_MISMATCH]');
    expect(() => statSync(file('ctx.out'))).toThrow();
  });
});

describe('failures leave nothing behind', () => {
  let envelopeBytes: Buffer;
  beforeAll(async () => {
    const enc = await envelope(dir, ['encrypt', '--key', 'local:alice.pem', '--frame-size', '4096', '--out', 'good.env', 'data.bin']);
    expect(enc.code).toBe(0);
    envelopeBytes = readFileSync(file('good.env'));
  });

  it.each([
    ['a tampered body', 'INTEGRITY_FAILURE', (b: Buffer) => { const c = Buffer.from(b); c[c.length - 5000]! ^= 1; return c; }],
    ['a truncated envelope', 'TRUNCATED', (b: Buffer) => b.subarray(0, b.length - 4000)],
    ['not an envelope', 'MALFORMED', () => Buffer.from('just some text, not an envelope at all.................................')],
  ])('%s: one line with its code, exit 1, no output file', async (_name, code, mangle) => {
    writeFileSync(file('bad.env'), mangle(envelopeBytes));
    const result = await envelope(dir, ['decrypt', '--key', 'local:alice.pem', '--out', 'bad.out', 'bad.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^envelope: [^\\n]*\\[${code}\\]\\n$`));
    expect(() => statSync(file('bad.out'))).toThrow();
    expect(strayFiles()).toEqual([]);
  });

  it('keeps an existing output file intact when decryption fails', async () => {
    writeFileSync(file('keep.out'), 'previous contents');
    const cut = envelopeBytes.subarray(0, envelopeBytes.length - 1);
    writeFileSync(file('cut.env'), cut);
    const result = await envelope(dir, ['decrypt', '--key', 'local:alice.pem', '--out', 'keep.out', 'cut.env']);
    expect(result.code).toBe(1);
    expect(readFileSync(file('keep.out'), 'utf8')).toBe('previous contents');
  });

  it.each([
    ['the wrong key', ['--key', 'local:bob.pem'], 'NO_MATCHING_KEY'],
    ['a public key only', ['--key', 'local:alice.pub.pem'], 'PERMISSION_DENIED'],
    ['a missing key file', ['--key', 'local:nowhere.pem'], 'KEY_NOT_FOUND'],
    ['an unknown key scheme', ['--key', 'nosuch://key'], 'INVALID_ARGUMENT'],
  ])('decrypting with %s fails with its code', async (_name, keyArgs, code) => {
    const result = await envelope(dir, ['decrypt', ...keyArgs, '--out', 'nope.out', 'good.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`[${code}]`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(() => statSync(file('nope.out'))).toThrow();
  });

  it('exits 2 with usage help when --key is missing', async () => {
    const result = await envelope(dir, ['encrypt', 'data.bin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-k, --key <uri>'");
  });

  it.each(['encrypt', 'decrypt'])('%s reports a missing input file in one line', async (command) => {
    const result = await envelope(dir, [command, '--key', 'local:alice.pem', '--out', 'x.out', 'no-such-file']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^envelope: [^\n]*no-such-file[^\n]*\[ENOENT\]\n$/);
    expect(() => statSync(file('x.out'))).toThrow();
  });
});

describe('envelope inspect', () => {
  beforeAll(async () => {
    const enc = await envelope(dir, ['encrypt', '-k', 'local:alice.pem', '-c', 'app=billing', '-c', 'env=prod', '--frame-size', '4096', '-o', 'inspect.env', 'data.bin']);
    expect(enc.code).toBe(0);
  });

  it('shows the header and body without a key', async () => {
    const result = await envelope(dir, ['inspect', 'inspect.env']);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toContain('Envelope Kit v1');
    expect(text).toContain('app="billing"');
    expect(text).toMatch(/\[0\] local sha256:[0-9a-f]{64} \(256-byte ciphertext\)/);
    expect(text).toContain(`49 frames, ${plaintext.length} plaintext bytes`);
  });

  it('prints JSON whose wrapped key openssl can unwrap with the documented OAEP label', async () => {
    const result = await envelope(dir, ['inspect', '--json', 'inspect.env']);
    const info = JSON.parse(result.stdout.toString());
    expect(info.context).toEqual({ app: 'billing', env: 'prod' });
    expect(info.body.plaintextLength).toBe(plaintext.length);
    writeFileSync(file('wrapped.bin'), Buffer.from(info.wrappedKeys[0].ciphertext, 'base64'));
    const dataKey = execFileSync('openssl', [
      'pkeyutl', '-decrypt', '-inkey', file('alice.pem'), '-in', file('wrapped.bin'),
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
      '-pkeyopt', `rsa_oaep_label:${info.contextEncoding}`,
    ]);
    expect(dataKey.length).toBe(32);
  });

  it('reads standard input', async () => {
    const result = await envelope(dir, ['inspect', '--json'], readFileSync(file('inspect.env')));
    expect(JSON.parse(result.stdout.toString()).frameSize).toBe(4096);
  });
});
