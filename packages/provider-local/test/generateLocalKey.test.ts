import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@envelope-kit/core';
import { defaultPublicKeyPath, generateLocalKey, loadLocalKey, publicKeyFingerprint } from '../src/index.js';
import { expectEnvelopeError, tempDirForFile } from './helpers.js';

const dir = tempDirForFile();

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('generateLocalKey', () => {
  it('writes a PKCS#8 private key with mode 0600 and an SPKI public key with mode 0644', async () => {
    const privateKeyPath = join(dir, 'app.pem');
    const result = await generateLocalKey({ privateKeyPath, modulusLength: 2048 });
    expect(result.privateKeyPath).toBe(privateKeyPath);
    expect(result.publicKeyPath).toBe(join(dir, 'app.pub.pem'));
    expect(mode(privateKeyPath)).toBe(0o600);
    expect(mode(result.publicKeyPath)).toBe(0o644);
    expect(readFileSync(privateKeyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(result.publicKeyPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('sets the exact modes whatever the umask', async () => {
    // vitest runs this file in a child process (pool "forks"), where umask can be set.
    const previous = process.umask(0o077);
    try {
      const result = await generateLocalKey({ privateKeyPath: join(dir, 'umask.pem'), modulusLength: 2048 });
      expect(mode(result.privateKeyPath)).toBe(0o600);
      expect(mode(result.publicKeyPath)).toBe(0o644);
    } finally {
      process.umask(previous);
    }
  });

  it('returns the key id of the written key, and the pair wraps and unwraps', async () => {
    const result = await generateLocalKey({ privateKeyPath: join(dir, 'pair.pem'), modulusLength: 2048 });
    const privateKey = createPrivateKey(readFileSync(result.privateKeyPath, 'utf8'));
    expect(result.keyId).toBe(publicKeyFingerprint(createPublicKey(readFileSync(result.publicKeyPath, 'utf8'))));
    expect(result.keyId).toBe(publicKeyFingerprint(privateKey));
    const sealer = await loadLocalKey(result.publicKeyPath);
    const opener = await loadLocalKey(result.privateKeyPath);
    const dataKey = randomBytes(32);
    expect(Buffer.from(await opener.unwrap(await sealer.wrap(dataKey, { a: 'b' }), { a: 'b' }))).toEqual(dataKey);
  });

  it('makes 3072-bit keys by default', async () => {
    const result = await generateLocalKey({ privateKeyPath: join(dir, 'default.pem') });
    const key = createPrivateKey(readFileSync(result.privateKeyPath, 'utf8'));
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(key.asymmetricKeyDetails?.publicExponent).toBe(65537n);
  });

  it('refuses to overwrite an existing private key and leaves it untouched', async () => {
    const privateKeyPath = join(dir, 'existing.pem');
    writeFileSync(privateKeyPath, 'precious');
    const error = await expectEnvelopeError(() => generateLocalKey({ privateKeyPath, modulusLength: 2048 }), ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain('already exists');
    expect(readFileSync(privateKeyPath, 'utf8')).toBe('precious');
    expect(existsSync(join(dir, 'existing.pub.pem'))).toBe(false);
  });

  it('refuses to overwrite an existing public key and leaves no private key behind', async () => {
    const privateKeyPath = join(dir, 'half.pem');
    const publicKeyPath = join(dir, 'half-public.pem');
    writeFileSync(publicKeyPath, 'someone else');
    await expectEnvelopeError(() => generateLocalKey({ privateKeyPath, publicKeyPath, modulusLength: 2048 }), ErrorCode.INVALID_ARGUMENT);
    expect(existsSync(privateKeyPath)).toBe(false);
    expect(readFileSync(publicKeyPath, 'utf8')).toBe('someone else');
  });

  it('refuses a modulus under 2048 bits or not an integer', async () => {
    for (const modulusLength of [1024, 2047, 2048.5, Number.NaN]) {
      await expectEnvelopeError(() => generateLocalKey({ privateKeyPath: join(dir, `bad-${modulusLength}.pem`), modulusLength }), ErrorCode.INVALID_ARGUMENT);
    }
    expect(existsSync(join(dir, 'bad-1024.pem'))).toBe(false);
  });

  it('reports a missing directory as INVALID_ARGUMENT', async () => {
    await expectEnvelopeError(
      () => generateLocalKey({ privateKeyPath: join(dir, 'no-such-dir', 'k.pem'), modulusLength: 2048 }),
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});

describe('defaultPublicKeyPath', () => {
  it.each([
    ['/k/app.pem', '/k/app.pub.pem'],
    ['/k/app.key', '/k/app.key.pub.pem'],
    ['/k/app', '/k/app.pub.pem'],
  ])('%s -> %s', (privatePath, expected) => {
    expect(defaultPublicKeyPath(privatePath)).toBe(expected);
  });
});
