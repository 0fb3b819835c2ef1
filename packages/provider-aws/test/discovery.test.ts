import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { decrypt, encrypt, ErrorCode, ProviderRegistry } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as provider from '../src/index.js';
import { startKms, type KmsFixture } from './support.js';

const CONTEXT = { purpose: 'discovery' };
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('awskms discovery: unwrap with whatever key the envelope names', () => {
  let fixture: KmsFixture;
  let envelopes: { name: string; envelope: Uint8Array }[];
  const discoveries: provider.AwsKmsDiscoveryKeyWrapper[] = [];
  const discovery = (options: Record<string, unknown> = {}): provider.AwsKmsDiscoveryKeyWrapper => {
    const wrapper = provider.createDiscoveryKeyWrapper({ endpoint: fixture.kms.endpoint, credentials: fixture.kms.credentials, maxAttempts: 1, ...options });
    discoveries.push(wrapper);
    return wrapper;
  };

  beforeAll(async () => {
    fixture = await startKms();
    const europe = new KMSClient({ ...fixture.kms.clientConfig('eu-west-1'), maxAttempts: 1 });
    const [symmetricArn, rsaArn, europeArn] = await Promise.all([
      fixture.createKey(),
      fixture.createKey({ spec: 'RSA_2048' }),
      europe.send(new CreateKeyCommand({})).then((r) => r.KeyMetadata!.Arn!),
    ]);
    europe.destroy();
    envelopes = [];
    for (const [name, arn] of [['symmetric', symmetricArn], ['RSA', rsaArn], ['eu-west-1', europeArn]] as const) {
      envelopes.push({ name, envelope: await encrypt(`sealed by the ${name} key`, { keyring: fixture.wrapper(`awskms:///${arn}`), context: CONTEXT }) });
    }
  });
  afterAll(async () => {
    for (const wrapper of discoveries) wrapper.close();
    await fixture.close();
  });

  it('decrypts envelopes of any key, in the region its ARN names, with no key configured', async () => {
    const keyring = discovery({ accounts: [fixture.kms.accountId] });
    for (const { name, envelope } of envelopes) {
      expect(text((await decrypt(envelope, { keyring })).plaintext), name).toBe(`sealed by the ${name} key`);
    }
  });

  it('is what the registry resolves for discovery', async () => {
    const registry = new ProviderRegistry({}).registerModule(provider);
    const keyring = await registry.resolveDiscovery('awskms', { endpoint: fixture.kms.endpoint, credentials: fixture.kms.credentials });
    expect(text((await decrypt(envelopes[0]!.envelope, { keyring })).plaintext)).toBe('sealed by the symmetric key');
    (keyring as provider.AwsKmsDiscoveryKeyWrapper).close();
  });

  it('ignores keys of other accounts and partitions: no matching key, and no KMS call', async () => {
    fixture.kms.resetRequestCounts();
    for (const options of [{ accounts: ['999999999999'] }, { partition: 'aws-cn' }]) {
      await expectEnvelopeError(decrypt(envelopes[0]!.envelope, { keyring: discovery(options) }), ErrorCode.NO_MATCHING_KEY);
    }
    expect(fixture.kms.requestCount()).toBe(0);
  });

  it('reports a named key that does not exist as KEY_NOT_FOUND', async () => {
    const forged = { providerId: 'awskms', keyId: `arn:aws:kms:us-east-1:${fixture.kms.accountId}:key/00000000-0000-4000-8000-000000000000`, ciphertext: new Uint8Array(64) };
    await expectEnvelopeError(discovery().unwrap(forged, CONTEXT), ErrorCode.KEY_NOT_FOUND);
  });

  it('never wraps', async () => {
    await expectEnvelopeError(encrypt('x', { keyring: discovery() }), ErrorCode.INVALID_ARGUMENT);
  });

  it.each([[{ accounts: [] }], [{ accounts: ['123'] }], [{ accounts: '111122223333' }], [{ partition: 'azure' }]])('refuses discovery option %j', async (options) => {
    await expectEnvelopeError(async () => provider.createDiscoveryKeyWrapper(options), ErrorCode.INVALID_ARGUMENT);
  });
});
