/**
 * tsyringe registration: the only place Envelope Kit meets a DI container.
 * Import from `@envelope-kit/core/di`. Nothing here loads tsyringe or
 * reflect-metadata: you pass your own container, so apps that do not use
 * tsyringe never need either, and no decorators are required.
 *
 *   import 'reflect-metadata';
 *   import { container } from 'tsyringe';
 *   import { createEnvelopeContainer, ENVELOPE_SERVICE } from '@envelope-kit/core/di';
 *   const scope = await createEnvelopeContainer(container, await loadConfig());
 *   const envelopes = scope.resolve<EnvelopeService>(ENVELOPE_SERVICE);
 */
import type { DependencyContainer } from 'tsyringe';
import type { EnvelopeConfig } from './config/configSchema.js';
import { createEnvelopeService, type EnvelopeService, type EnvelopeServiceOptions } from './config/envelopeService.js';
import { defaultRegistry } from './registry/registry.js';

/** The validated configuration. */
export const ENVELOPE_CONFIG = Symbol.for('@envelope-kit/config');
/** The `EnvelopeService` built from it. */
export const ENVELOPE_SERVICE = Symbol.for('@envelope-kit/service');
/** The `DataKeySource` new envelopes are wrapped with. */
export const ENVELOPE_ENCRYPT_KEYS = Symbol.for('@envelope-kit/encrypt-keys');
/** The `DataKeySource` envelopes are unwrapped with. */
export const ENVELOPE_DECRYPT_KEYS = Symbol.for('@envelope-kit/decrypt-keys');
/** The `ProviderRegistry` key URIs resolve through. */
export const ENVELOPE_REGISTRY = Symbol.for('@envelope-kit/registry');

/**
 * Builds the service from `config` (resolving every key up front, so a bad
 * key fails at startup) and registers it, with its parts, in a child of
 * `parent`. Returns the child container.
 */
export async function createEnvelopeContainer(
  parent: DependencyContainer,
  config: EnvelopeConfig,
  options: EnvelopeServiceOptions = {},
): Promise<DependencyContainer> {
  const service: EnvelopeService = await createEnvelopeService(config, options);
  const child = parent.createChildContainer();
  child.register(ENVELOPE_CONFIG, { useValue: config });
  child.register(ENVELOPE_REGISTRY, { useValue: options.registry ?? defaultRegistry });
  child.register(ENVELOPE_ENCRYPT_KEYS, { useValue: service.encryptKeys });
  child.register(ENVELOPE_DECRYPT_KEYS, { useValue: service.decryptKeys });
  child.register(ENVELOPE_SERVICE, { useValue: service });
  return child;
}
