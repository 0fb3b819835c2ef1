import { EnvelopeError, ErrorCode } from '../errors.js';
import type { KeyWrapper } from '../keyring/keyWrapper.js';

/** Options a provider factory receives besides the URI (endpoint, client, credentials...). */
export type ProviderOptions = Readonly<Record<string, unknown>>;

/** Makes a key wrapper from a key URI of one scheme. */
export type KeyWrapperFactory = (uri: string, options?: ProviderOptions) => KeyWrapper | Promise<KeyWrapper>;

/**
 * What a provider package exports so the registry can load it by scheme:
 * `export const scheme = 'local'; export function createKeyWrapper(uri, options) {...}`.
 */
export interface ProviderModule {
  readonly scheme: string;
  readonly createKeyWrapper: KeyWrapperFactory;
  /**
   * A wrapper that unwraps with whatever key of this provider an envelope
   * names (discovery), for backends that can (e.g. KMS symmetric keys).
   */
  readonly createDiscoveryKeyWrapper?: (options?: ProviderOptions) => KeyWrapper | Promise<KeyWrapper>;
}

/** Schemes whose provider packages are imported on first use, so apps install only what they use. */
export const BUILTIN_PROVIDER_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  local: '@envelope-kit/provider-local',
  awskms: '@envelope-kit/provider-aws',
  gcpkms: '@envelope-kit/provider-gcp',
  azurekeyvault: '@envelope-kit/provider-azure',
  vault: '@envelope-kit/provider-vault',
});

const SCHEME = /^([a-z][a-z0-9+.-]*):/;

/** The scheme of a key URI (`awskms` in `awskms:///arn:...`). */
export function keyUriScheme(uri: string): string {
  const match = SCHEME.exec(uri);
  if (!match) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${uri}" is not a key URI: expected scheme:..., e.g. local:./key.pem or awskms:///arn:aws:kms:...`);
  }
  return match[1]!;
}

/** Maps key-URI schemes to provider factories. */
export class ProviderRegistry {
  private readonly modules = new Map<string, ProviderModule>();

  constructor(private readonly packages: Readonly<Record<string, string>> = BUILTIN_PROVIDER_PACKAGES) {}

  /** Registers (or replaces) the factory for `scheme`, e.g. a third-party provider. */
  register(scheme: string, factory: KeyWrapperFactory): this {
    return this.registerModule({ scheme, createKeyWrapper: factory });
  }

  registerModule(module: ProviderModule): this {
    this.modules.set(module.scheme, module);
    return this;
  }

  /** The key wrapper a key URI names. */
  async resolve(uri: string, options?: ProviderOptions): Promise<KeyWrapper> {
    const module = await this.module(keyUriScheme(uri));
    return module.createKeyWrapper(uri, options);
  }

  /** A wrapper that unwraps with any key of `scheme` an envelope names, if the provider has one. */
  async resolveDiscovery(scheme: string, options?: ProviderOptions): Promise<KeyWrapper> {
    const module = await this.module(scheme);
    if (!module.createDiscoveryKeyWrapper) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `the ${scheme}: provider has no discovery mode; list its keys instead`);
    }
    return module.createDiscoveryKeyWrapper(options);
  }

  private async module(scheme: string): Promise<ProviderModule> {
    return this.modules.get(scheme) ?? this.load(scheme);
  }

  private async load(scheme: string): Promise<ProviderModule> {
    const packageName = this.packages[scheme];
    if (!packageName) {
      const known = [...new Set([...this.modules.keys(), ...Object.keys(this.packages)])].join(', ');
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `no provider for key URI scheme "${scheme}:" (known: ${known})`);
    }
    let module: Partial<ProviderModule>;
    try {
      module = (await import(packageName)) as Partial<ProviderModule>;
    } catch (cause) {
      // Only the provider package itself being absent means "install it"; a
      // provider whose own dependency is missing should say so unaltered.
      const missing = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(cause).includes(packageName);
      if (!missing) throw cause;
      throw new EnvelopeError(
        ErrorCode.INVALID_ARGUMENT,
        `key URI scheme "${scheme}:" needs the package ${packageName}: npm install ${packageName}`,
        { cause },
      );
    }
    if (typeof module.createKeyWrapper !== 'function') {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${packageName} does not export createKeyWrapper(uri, options)`);
    }
    const loaded: ProviderModule = { ...module, scheme, createKeyWrapper: module.createKeyWrapper };
    this.registerModule(loaded);
    return loaded;
  }
}

/** The process-wide registry the CLI and `resolveKey` use. */
export const defaultRegistry = new ProviderRegistry();

/** Resolves a key URI to a key wrapper through the default registry. */
export function resolveKey(uri: string, options?: ProviderOptions): Promise<KeyWrapper> {
  return defaultRegistry.resolve(uri, options);
}
