import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { createEnvelopeContainer, ENVELOPE_CONFIG, ENVELOPE_SERVICE } from '../src/di.js';
import {
  createEnvelopeService,
  ErrorCode,
  loadConfig,
  parseConfig,
  ProviderRegistry,
  type EnvelopeService,
} from '../src/index.js';
import { errorOf, TestKms } from './helpers.js';

/** A registry whose `test:` scheme names TestKms keys (`test:alpha`), one instance per name. */
function testRegistry() {
  const keys = new Map<string, TestKms>();
  const options: unknown[] = [];
  const registry = new ProviderRegistry({ ghost: '@envelope-kit/provider-ghost' }).register('test', (uri, given) => {
    options.push(given);
    const name = uri.slice('test:'.length);
    if (!keys.has(name)) keys.set(name, new TestKms(name));
    return keys.get(name)!;
  });
  return { registry, keys, options };
}

const dir = mkdtempSync(join(tmpdir(), 'envelope-config-'));

describe('loadConfig', () => {
  it('takes keys from ENVELOPE_KEYS', async () => {
    const config = await loadConfig({ env: { ENVELOPE_KEYS: 'test:a, test:b' } });
    expect(config.keys).toEqual(['test:a', 'test:b']);
  });

  it('reads JSON and YAML files, with ENVELOPE_KEYS overriding keys', async () => {
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ keys: ['test:file'], frameSize: 4096, requiredContext: ['tenant'] }));
    writeFileSync(join(dir, 'c.yaml'), 'keys:\n  - test:yaml\ncache:\n  maxAgeMs: 60000\nproviders:\n  awskms:\n    region: eu-west-1\n');
    expect(await loadConfig({ env: { ENVELOPE_CONFIG: join(dir, 'c.json') } })).toEqual({
      keys: ['test:file'],
      frameSize: 4096,
      requiredContext: ['tenant'],
    });
    const yaml = await loadConfig({ file: join(dir, 'c.yaml'), env: { ENVELOPE_KEYS: 'test:env' } });
    expect(yaml).toEqual({ keys: ['test:env'], cache: { maxAgeMs: 60000 }, providers: { awskms: { region: 'eu-west-1' } } });
  });

  it.each([
    [{ keys: [] }, 'keys: at least one key is needed'],
    [{ keys: ['not a uri'] }, 'keys.0: expected a key URI'],
    [{ keys: ['test:a'], frameSize: 10 }, 'frameSize'],
    [{ keys: ['test:a'], limits: { maxWrappedKeys: 100000 } }, 'limits.maxWrappedKeys'],
    [{ keys: ['test:a'], cache: { maxMessages: 5 } }, 'cache.maxAgeMs'],
    [{ keys: ['test:a'], colour: 'blue' }, 'colour'],
  ])('refuses %j, naming the field', async (input, field) => {
    const error = await errorOf(() => parseConfig(input));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(field);
  });

  it('refuses a missing keys setting and an unreadable file', async () => {
    expect((await errorOf(() => loadConfig({ env: {} }))).message).toContain('keys');
    expect((await errorOf(() => loadConfig({ file: join(dir, 'absent.json'), env: {} }))).message).toContain('absent.json');
    writeFileSync(join(dir, 'bad.json'), '{"keys": ["test:a"], "token": "s3cret"');
    const error = await errorOf(() => loadConfig({ file: join(dir, 'bad.json'), env: {} }));
    expect(error.message).toContain('not valid JSON');
    expect(error.message).not.toContain('s3cret');
  });
});

describe('EnvelopeService from configuration', () => {
  it('wraps under every configured key and decrypts with any', async () => {
    const { registry, keys } = testRegistry();
    const service = await createEnvelopeService(parseConfig({ keys: ['test:a', 'test:b'] }), { registry });
    const envelope = await service.encrypt('hello', { tenant: 'acme' });
    expect((await service.decrypt(envelope)).context).toEqual({ tenant: 'acme' });
    const onlyB = await createEnvelopeService(parseConfig({ keys: ['test:b'] }), { registry });
    expect(Buffer.from((await onlyB.decrypt(envelope)).plaintext).toString()).toBe('hello');
    expect(keys.get('a')!.calls.wrap).toBe(1);
  });

  it('decrypts only with configured keys (strict)', async () => {
    const { registry } = testRegistry();
    const service = await createEnvelopeService(parseConfig({ keys: ['test:new'], decryptKeys: ['test:new', 'test:old'] }), {
      registry,
    });
    const old = await createEnvelopeService(parseConfig({ keys: ['test:old'] }), { registry });
    const stranger = await createEnvelopeService(parseConfig({ keys: ['test:stranger'] }), { registry });
    expect(Buffer.from((await service.decrypt(await old.encrypt('legacy'))).plaintext).toString()).toBe('legacy');
    expect((await errorOf(async () => service.decrypt(await stranger.encrypt('x')))).code).toBe(ErrorCode.NO_MATCHING_KEY);
  });

  it('enforces required context keys on both sides', async () => {
    const { registry } = testRegistry();
    const service = await createEnvelopeService(parseConfig({ keys: ['test:a'], requiredContext: ['tenant'] }), { registry });
    expect((await errorOf(() => service.encrypt('x', { other: '1' }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    const sameKey = await createEnvelopeService(parseConfig({ keys: ['test:a'] }), { registry });
    const withoutTenant = await sameKey.encrypt('x');
    expect((await errorOf(() => service.decrypt(withoutTenant))).code).toBe(ErrorCode.CONTEXT_MISMATCH);
    const ok = await service.encrypt('y', { tenant: 'acme' });
    expect(Buffer.from((await service.decrypt(ok, { tenant: 'acme' })).plaintext).toString()).toBe('y');
  });

  it('puts the data-key cache in front of the keys when configured', async () => {
    const { registry, keys } = testRegistry();
    const service = await createEnvelopeService(parseConfig({ keys: ['test:c'], cache: { maxAgeMs: 60_000 } }), { registry });
    const envelopes = await Promise.all(Array.from({ length: 20 }, () => service.encrypt('x', { tenant: 'a' })));
    for (const envelope of envelopes) await service.decrypt(envelope);
    expect(keys.get('c')!.calls).toEqual({ wrap: 1, unwrap: 1 });
  });

  it('passes per-provider options and the base directory to factories', async () => {
    const { registry, options } = testRegistry();
    await createEnvelopeService(parseConfig({ keys: ['test:a'], providers: { test: { region: 'eu' } } }), { registry, baseDir: '/srv' });
    expect(options[0]).toEqual({ baseDir: '/srv', region: 'eu' });
  });

  it('fails at startup naming the package for a provider that is not installed', async () => {
    const { registry } = testRegistry();
    const error = await errorOf(() => createEnvelopeService(parseConfig({ keys: ['ghost://k'] }), { registry }));
    expect(error.message).toContain('npm install @envelope-kit/provider-ghost');
    const unknown = await errorOf(() => createEnvelopeService(parseConfig({ keys: ['nope://k'] }), { registry }));
    expect(unknown.message).toContain('no provider for key URI scheme "nope:"');
  });

  it('refuses discovery for a provider without a discovery mode', async () => {
    const { registry } = testRegistry();
    const error = await errorOf(() => createEnvelopeService(parseConfig({ keys: ['test:a'], discovery: ['test'] }), { registry }));
    expect(error.message).toContain('no discovery mode');
  });
});

describe('tsyringe registration', () => {
  it('registers the service in a child container built from the configuration', async () => {
    const { registry } = testRegistry();
    const config = parseConfig({ keys: ['test:di'] });
    const scope = await createEnvelopeContainer(container, config, { registry });
    const service = scope.resolve<EnvelopeService>(ENVELOPE_SERVICE);
    const { plaintext } = await service.decrypt(await service.encrypt('via DI'));
    expect(Buffer.from(plaintext).toString()).toBe('via DI');
    expect(scope.resolve(ENVELOPE_CONFIG)).toBe(config);
    expect(container.isRegistered(ENVELOPE_SERVICE)).toBe(false);
  });
});

describe('closing', () => {
  it('closes each resolved key once and zeroes cached data keys', async () => {
    const closed: string[] = [];
    const keys = new Map<string, TestKms>();
    const registry = new ProviderRegistry({}).register('test', (uri) => {
      const key = new TestKms(uri.slice('test:'.length));
      keys.set(key.keyId, key);
      return Object.assign(key, { close: () => void closed.push(key.keyId) });
    });
    const config = parseConfig({ keys: ['test:a'], decryptKeys: ['test:a', 'test:b'], cache: { maxAgeMs: 60_000 } });
    const service = await createEnvelopeService(config, { registry });
    const envelope = await service.encrypt('x');
    await service.decrypt(envelope);
    await service.decrypt(envelope);
    expect(keys.get('a')!.calls.unwrap).toBe(1);
    await service.close();
    expect(closed.sort()).toEqual(['a', 'b']);
    // The cache was emptied: the next decrypt has to ask the key again.
    await service.decrypt(envelope);
    expect(keys.get('a')!.calls.unwrap).toBe(2);
  });
});
