import type { Transform } from 'node:stream';
import { CachingDataKeySource } from '../cache/cachingDataKeySource.js';
import { EnvelopeError, ErrorCode } from '../errors.js';
import type { EncryptionContext } from '../format/context.js';
import { Keyring, type DataKeySource } from '../keyring/keyring.js';
import type { KeyWrapper } from '../keyring/keyWrapper.js';
import { decrypt } from '../message/decrypt.js';
import { encrypt } from '../message/encrypt.js';
import type { DecryptOptions, DecryptResult, EncryptOptions } from '../message/options.js';
import { defaultRegistry, keyUriScheme, type ProviderRegistry } from '../registry/registry.js';
import { decryptStream, encryptStream, type DecryptStream } from '../stream/nodeStreams.js';
import type { EnvelopeConfig } from './configSchema.js';

export interface EnvelopeServiceOptions {
  /** Where key URI schemes resolve; default the process-wide registry. */
  readonly registry?: ProviderRegistry;
  /** Base directory for relative `local:` paths; default process.cwd(). */
  readonly baseDir?: string;
}

/**
 * Encryption and decryption as an app's configuration says: which keys wrap,
 * which may unwrap, which context keys are required, frame size, limits and
 * caching. Build it with `createEnvelopeService(config)`; the app code is the
 * same whichever cloud the config names.
 */
export class EnvelopeService {
  constructor(
    readonly config: EnvelopeConfig,
    /** Wraps new data keys under every configured key (behind the cache, if any). */
    readonly encryptKeys: DataKeySource,
    /** Unwraps with the keys allowed to decrypt (behind the cache, if any). */
    readonly decryptKeys: DataKeySource,
    /** Every key the service resolved, once each: what `close` closes. */
    private readonly ownedKeys: readonly KeyWrapper[] = [],
  ) {}

  encrypt(plaintext: Uint8Array | string, context: EncryptionContext = {}): Promise<Uint8Array> {
    return encrypt(plaintext, this.encryptOptions(context));
  }

  decrypt(envelope: Uint8Array, expectedContext?: EncryptionContext): Promise<DecryptResult> {
    return decrypt(envelope, this.decryptOptions(expectedContext));
  }

  encryptStream(context: EncryptionContext = {}): Transform {
    return encryptStream(this.encryptOptions(context));
  }

  decryptStream(expectedContext?: EncryptionContext): DecryptStream {
    return decryptStream(this.decryptOptions(expectedContext));
  }

  /** Zeroes cached data keys and closes every key's client, once each (call on shutdown). */
  async close(): Promise<void> {
    for (const source of [this.encryptKeys, this.decryptKeys]) {
      if (source instanceof CachingDataKeySource) source.clear();
    }
    await Promise.allSettled(this.ownedKeys.map(async (key) => key.close?.()));
  }

  private encryptOptions(context: EncryptionContext): EncryptOptions {
    for (const key of this.config.requiredContext ?? []) {
      if (context === null || typeof context !== 'object' || !Object.hasOwn(context, key)) {
        throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `the configuration requires the encryption context key "${key}"`);
      }
    }
    return {
      keyring: this.encryptKeys,
      context,
      ...(this.config.frameSize ? { frameSize: this.config.frameSize } : {}),
      ...(this.config.limits ? { limits: this.config.limits } : {}),
    };
  }

  private decryptOptions(expectedContext: EncryptionContext | undefined): DecryptOptions {
    return {
      keyring: this.decryptKeys,
      ...(expectedContext ? { expectedContext } : {}),
      ...(this.config.requiredContext ? { requiredContextKeys: this.config.requiredContext } : {}),
      ...(this.config.limits ? { limits: this.config.limits } : {}),
    };
  }
}

/**
 * Resolves every configured key URI through the registry (provider packages
 * load on first use) and builds the service. Fails at startup, naming the key,
 * if a provider is missing or a key cannot be set up.
 */
export async function createEnvelopeService(config: EnvelopeConfig, options: EnvelopeServiceOptions = {}): Promise<EnvelopeService> {
  const registry = options.registry ?? defaultRegistry;
  const baseDir = options.baseDir ?? process.cwd();
  const resolved = new Map<string, Promise<KeyWrapper>>();
  const resolve = (uri: string): Promise<KeyWrapper> => {
    let wrapper = resolved.get(uri);
    if (!wrapper) {
      const providerOptions = { baseDir, ...config.providers?.[keyUriScheme(uri)] };
      wrapper = registry.resolve(uri, providerOptions);
      resolved.set(uri, wrapper);
    }
    return wrapper;
  };
  const [encryptWrappers, decryptWrappers, discoveryWrappers] = await Promise.all([
    Promise.all(config.keys.map(resolve)),
    Promise.all((config.decryptKeys ?? config.keys).map(resolve)),
    Promise.all((config.discovery ?? []).map((scheme) => registry.resolveDiscovery(scheme, { baseDir, ...config.providers?.[scheme] }))),
  ]);
  const encryptKeyring = new Keyring(encryptWrappers);
  const decryptKeyring = new Keyring([...decryptWrappers, ...discoveryWrappers]);
  const cached = (keyring: Keyring): DataKeySource => (config.cache ? new CachingDataKeySource(keyring, config.cache) : keyring);
  const ownedKeys = [...new Set([...encryptWrappers, ...decryptWrappers, ...discoveryWrappers])];
  return new EnvelopeService(config, cached(encryptKeyring), cached(decryptKeyring), ownedKeys);
}
