import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ProviderRegistry, resolveKey, type ProviderModule } from '@envelope-kit/core';
import * as provider from '../src/index.js';
import { createKeyWrapper, publicKeyFingerprint, scheme } from '../src/index.js';
import { expectEnvelopeError, pemOf, rsaPair, tempDirForFile, type RsaPair } from './helpers.js';

const dir = tempDirForFile();
const keyPath = join(dir, 'my key.pem');
let pair: RsaPair;

beforeAll(() => {
  pair = rsaPair();
  writeFileSync(keyPath, pemOf(pair.privateKey, 'pkcs8'));
});

describe('provider module', () => {
  it('exports the scheme and factory the registry expects', async () => {
    const module: ProviderModule = provider;
    expect(module.scheme).toBe('local');
    const wrapper = await new ProviderRegistry({}).registerModule(module).resolve(`local://${encodeURI(keyPath)}`);
    expect(wrapper.keyId).toBe(publicKeyFingerprint(pair.publicKey));
  });

  it('is what the default registry loads for local: URIs (from the built package)', async () => {
    const wrapper = await resolveKey(`local:${keyPath}`);
    expect(wrapper.providerId).toBe('local');
    expect(wrapper.keyId).toBe(publicKeyFingerprint(pair.publicKey));
  });

  it('loads the key a relative URI names, against baseDir', async () => {
    const wrapper = await createKeyWrapper('local:./my key.pem', { baseDir: dir });
    expect(wrapper.keyId).toBe(publicKeyFingerprint(pair.publicKey));
    expect(scheme).toBe('local');
  });

  it('loads the key a relative URI names, against the working directory', async () => {
    const wrapper = await createKeyWrapper(`local:${relative(process.cwd(), keyPath)}`);
    expect(wrapper.hasPrivateKey).toBe(true);
  });

  it('ignores options meant for other providers but refuses a baseDir that is not a path', async () => {
    await createKeyWrapper('local:./my key.pem', { baseDir: dir, region: 'eu-west-1' });
    await expectEnvelopeError(() => createKeyWrapper('local:./my key.pem', { baseDir: 42 }), ErrorCode.INVALID_ARGUMENT);
  });

  it('reports a URI naming a missing file as KEY_NOT_FOUND', async () => {
    const error = await expectEnvelopeError(() => createKeyWrapper('local:missing.pem', { baseDir: dir }), ErrorCode.KEY_NOT_FOUND);
    expect(error.message).toContain(join(dir, 'missing.pem'));
  });

  it('refuses a malformed URI before touching the file system', async () => {
    await expectEnvelopeError(() => createKeyWrapper('local://host/key.pem'), ErrorCode.INVALID_ARGUMENT);
  });
});
