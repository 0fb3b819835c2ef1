import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeContext, type EncryptionContext } from '@envelope-kit/core';
import { LOCAL_OAEP_PARAMETERS, loadLocalKey, type LocalRsaKeyWrapper } from '../src/index.js';
import { pemOf, rsaPair, tempDirForFile } from './helpers.js';

const OPENSSL = '/usr/bin/openssl';
const dir = tempDirForFile();
const privatePath = join(dir, 'key.pem');
const publicPath = join(dir, 'key.pub.pem');
let wrapper: LocalRsaKeyWrapper;

/** The OAEP options the README gives, built from the hex label of `context`. */
function oaepArgs(context: EncryptionContext): string[] {
  return [
    '-pkeyopt', 'rsa_padding_mode:oaep',
    '-pkeyopt', `rsa_oaep_md:${LOCAL_OAEP_PARAMETERS.hash}`,
    '-pkeyopt', `rsa_mgf1_md:${LOCAL_OAEP_PARAMETERS.mgfHash}`,
    '-pkeyopt', `rsa_oaep_label:${encodeContext(context).toString('hex')}`,
  ];
}

function openssl(args: string[], input: Uint8Array): Buffer {
  return execFileSync(OPENSSL, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  const pair = rsaPair();
  writeFileSync(privatePath, pemOf(pair.privateKey, 'pkcs8'), { mode: 0o600 });
  writeFileSync(publicPath, pemOf(pair.publicKey, 'spki'));
  wrapper = await loadLocalKey(privatePath);
});

describe('interoperability with OpenSSL 3', () => {
  it('encodes the empty context as the 2-byte label 00 00', () => {
    expect(encodeContext({}).toString('hex')).toBe('0000');
  });

  it.each([
    ['a non-empty context', { tenant: 'acme', purpose: 'backup', 'ünïcode': 'välue' }],
    ['the empty context', {}],
  ])('openssl pkeyutl -decrypt unwraps a data key the provider wrapped under %s', async (_name, context: EncryptionContext) => {
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey, context);
    const recovered = openssl(['pkeyutl', '-decrypt', '-inkey', privatePath, ...oaepArgs(context)], wrapped.ciphertext);
    expect(recovered.equals(dataKey)).toBe(true);
  });

  it('openssl refuses to unwrap under a different label', async () => {
    const wrapped = await wrapper.wrap(randomBytes(32), { tenant: 'acme' });
    expect(() => openssl(['pkeyutl', '-decrypt', '-inkey', privatePath, ...oaepArgs({ tenant: 'other' })], wrapped.ciphertext)).toThrow();
  });

  it('the provider unwraps a data key openssl pkeyutl -encrypt wrapped with the public key', async () => {
    const context = { tenant: 'acme' };
    const dataKey = randomBytes(32);
    const ciphertext = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', publicPath, ...oaepArgs(context)], dataKey);
    const recovered = await wrapper.unwrap({ providerId: 'local', keyId: wrapper.keyId, ciphertext }, context);
    expect(Buffer.from(recovered).equals(dataKey)).toBe(true);
  });

  it('the key id is what `openssl pkey -pubin -outform DER | sha256sum` gives', () => {
    const der = execFileSync(OPENSSL, ['pkey', '-pubin', '-in', publicPath, '-outform', 'DER']);
    expect(wrapper.keyId).toBe(`sha256:${createHash('sha256').update(der).digest('hex')}`);
  });
});
