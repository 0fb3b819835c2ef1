import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@envelope-kit/core';
import { loadLocalKey, localKeyWrapper, publicKeyFingerprint } from '../src/index.js';
import { expectEnvelopeError, pemOf, rsaPair, tempDirForFile, type RsaPair } from './helpers.js';

const dir = tempDirForFile();
let pair: RsaPair;
let privatePem: string;

function writeKey(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  pair = rsaPair();
  privatePem = pemOf(pair.privateKey, 'pkcs8');
});

describe('loadLocalKey', () => {
  it('loads a PKCS#8 private key that wraps and unwraps', async () => {
    const wrapper = await loadLocalKey(writeKey('private.pem', privatePem));
    expect(wrapper.hasPrivateKey).toBe(true);
    expect(wrapper.keyId).toBe(publicKeyFingerprint(pair.publicKey));
    const wrapped = await wrapper.wrap(Buffer.alloc(32, 7), {});
    expect(Buffer.from(await wrapper.unwrap(wrapped, {}))).toEqual(Buffer.alloc(32, 7));
  });

  it('loads an SPKI public key that wraps only', async () => {
    const wrapper = await loadLocalKey(writeKey('public.pem', pemOf(pair.publicKey, 'spki')));
    expect(wrapper.hasPrivateKey).toBe(false);
  });

  it('loads a JWK file, private or public', async () => {
    const privateJwk = await loadLocalKey(writeKey('private.jwk', JSON.stringify(pair.privateKey.export({ format: 'jwk' }))));
    const publicJwk = await loadLocalKey(writeKey('public.json', JSON.stringify(pair.publicKey.export({ format: 'jwk' }), null, 2)));
    expect(privateJwk.hasPrivateKey).toBe(true);
    expect(publicJwk.hasPrivateKey).toBe(false);
    expect(publicJwk.keyId).toBe(privateJwk.keyId);
  });

  it('accepts a JWK marked for RSA-OAEP-256 encryption and refuses one marked for signatures or another algorithm', async () => {
    const jwk = pair.publicKey.export({ format: 'jwk' });
    await loadLocalKey(writeKey('enc.jwk', JSON.stringify({ ...jwk, use: 'enc', alg: 'RSA-OAEP-256' })));
    await expectEnvelopeError(() => loadLocalKey(writeKey('sig.jwk', JSON.stringify({ ...jwk, use: 'sig' }))), ErrorCode.INVALID_KEY);
    await expectEnvelopeError(() => loadLocalKey(writeKey('sha1.jwk', JSON.stringify({ ...jwk, alg: 'RSA-OAEP' }))), ErrorCode.INVALID_KEY);
  });

  it('reports a missing file as KEY_NOT_FOUND naming the path', async () => {
    const path = join(dir, 'nowhere', 'missing.pem');
    const error = await expectEnvelopeError(() => loadLocalKey(path), ErrorCode.KEY_NOT_FOUND);
    expect(error.message).toContain(path);
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'a-directory.pem');
    mkdirSync(path);
    await expectEnvelopeError(() => loadLocalKey(path), ErrorCode.INVALID_ARGUMENT);
  });

  it('refuses garbage, a truncated PEM and broken JSON as INVALID_KEY', async () => {
    const truncated = privatePem.slice(0, 200) + '\n-----END PRIVATE KEY-----\n';
    const cases = {
      'garbage.pem': 'this is not a key at all\n',
      'truncated.pem': truncated,
      'broken.jwk': '{"kty": "RSA", "n": ',
      'array.json': '[1, 2, 3]',
      'empty.pem': '',
    };
    for (const [name, content] of Object.entries(cases)) {
      const error = await expectEnvelopeError(() => loadLocalKey(writeKey(name, content)), ErrorCode.INVALID_KEY);
      expect(error.message, name).toContain(join(dir, name));
    }
  });

  it('keeps the OpenSSL error as cause when a PEM does not parse', async () => {
    const error = await expectEnvelopeError(
      () => loadLocalKey(writeKey('bad-body.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')),
      ErrorCode.INVALID_KEY,
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('puts no key material in messages about a key it cannot use', async () => {
    const jwk = pair.privateKey.export({ format: 'jwk' });
    const secret = jwk.d!.slice(0, 8);
    // V8's JSON.parse message quotes the bytes after the error, here the private exponent.
    const broken = JSON.stringify(jwk).replace('"d":"', '"d":!"');
    const error = await expectEnvelopeError(() => loadLocalKey(writeKey('leaky.jwk', broken)), ErrorCode.INVALID_KEY);
    expect(error.message).not.toContain(secret);
    expect(String(error.cause ?? '')).not.toContain(secret);
  });

  it('refuses a passphrase-protected PEM with a clear message', async () => {
    const pkcs8 = pemOf(pair.privateKey, 'pkcs8', 'pw');
    const pkcs1 = pemOf(pair.privateKey, 'pkcs1', 'pw');
    for (const [name, pem] of [['encrypted-pkcs8.pem', pkcs8], ['encrypted-pkcs1.pem', pkcs1]] as const) {
      const error = await expectEnvelopeError(() => loadLocalKey(writeKey(name, pem)), ErrorCode.INVALID_KEY);
      expect(error.message).toContain('passphrase-protected keys are not supported yet');
    }
  });
});

describe('key policy', () => {
  it('refuses a 1024-bit RSA key, private or public', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const error = await expectEnvelopeError(
      () => loadLocalKey(writeKey('small.pem', pemOf(small.privateKey, 'pkcs8'))),
      ErrorCode.INVALID_KEY,
    );
    expect(error.message).toContain('1024-bit');
    await expectEnvelopeError(() => localKeyWrapper(small.publicKey), ErrorCode.INVALID_KEY);
  });

  it('refuses an EC key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const error = await expectEnvelopeError(
      () => loadLocalKey(writeKey('ec.pem', pemOf(ec.privateKey, 'sec1'))),
      ErrorCode.INVALID_KEY,
    );
    expect(error.message).toContain('ec');
    await expectEnvelopeError(() => localKeyWrapper(ec.publicKey.export({ format: 'jwk' })), ErrorCode.INVALID_KEY);
  });

  it('refuses an RSA-PSS key', async () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const error = await expectEnvelopeError(
      () => loadLocalKey(writeKey('pss.pem', pemOf(pss.privateKey, 'pkcs8'))),
      ErrorCode.INVALID_KEY,
    );
    expect(error.message).toContain('RSA-PSS');
  });

  it('refuses an Ed25519 key and a secret key', async () => {
    const ed = generateKeyPairSync('ed25519');
    await expectEnvelopeError(() => localKeyWrapper(ed.privateKey), ErrorCode.INVALID_KEY);
    await expectEnvelopeError(() => localKeyWrapper(createSecretKey(Buffer.alloc(32))), ErrorCode.INVALID_KEY);
  });

  it('refuses an RSA key with public exponent 1', async () => {
    const jwk = pair.publicKey.export({ format: 'jwk' });
    await expectEnvelopeError(() => localKeyWrapper({ ...jwk, e: 'AQ' }), ErrorCode.INVALID_KEY);
  });
});
