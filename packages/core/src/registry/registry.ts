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
  private readonly factories = new Map<string, KeyWrapperFactory>();

  constructor(private readonly packages: Readonly<Record<string, string>> = BUILTIN_PROVIDER_PACKAGES) {}

  /** Registers (or replaces) the factory for `scheme`, e.g. a third-party provider. */
  register(scheme: string, factory: KeyWrapperFactory): this {
    this.factories.set(scheme, factory);
    return this;
  }

  registerModule(module: ProviderModule): this {
    return this.register(module.scheme, module.createKeyWrapper);
  }

  async resolve(uri: string, options?: ProviderOptions): Promise<KeyWrapper> {
    const scheme = keyUriScheme(uri);
    const factory = this.factories.get(scheme) ?? (await this.load(scheme));
    return factory(uri, options);
  }

  private async load(scheme: string): Promise<KeyWrapperFactory> {
    const packageName = this.packages[scheme];
    if (!packageName) {
      const known = [...new Set([...this.factories.keys(), ...Object.keys(this.packages)])].join(', ');
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
    this.register(scheme, module.createKeyWrapper);
    return module.createKeyWrapper;
  }
}

/** The process-wide registry the CLI and `resolveKey` use. */
export const defaultRegistry = new ProviderRegistry();

/** Resolves a key URI to a key wrapper through the default registry. */
export function resolveKey(uri: string, options?: ProviderOptions): Promise<KeyWrapper> {
  return defaultRegistry.resolve(uri, options);
}
