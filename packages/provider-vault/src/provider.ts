/**
 * The `vault` provider: wraps data keys with HashiCorp Vault's Transit secrets
 * engine through node-vault (after gocloud.dev/secrets/hashivault).
 *
 * URI format (scheme `vault`), see `parseVaultKeyUri`:
 *   vault://MOUNT/keys/NAME                       vault://transit/keys/orders
 *   vault://MOUNT/keys/NAME?namespace=NS          a Vault Enterprise namespace (nested: a/b)
 *   vault://MOUNT/keys/NAME?binding=BINDING       context | associated_data | none
 * MOUNT is where Transit is mounted and may have several segments
 * (vault://team-a/transit/keys/orders): the key name is what follows the last
 * `/keys/`. Key names are Vault's (letters, digits, _ - . @).
 *
 * Options (`createKeyWrapper(uri, options)`), all optional, each falling back
 * to the environment variable the Vault CLI reads; names it does not know are
 * ignored, so one options object can serve several providers:
 *   address            Vault's URL                         VAULT_ADDR (required one way or the other)
 *   token              a Vault token                       VAULT_TOKEN (required one way or the other)
 *   namespace          when the URI names none             VAULT_NAMESPACE
 *   client             a node-vault client used as is (address and token then unneeded)
 *   binding            when the URI names none; else learnt by reading the key
 *   requestTimeoutMs   per attempt (default 10000)         VAULT_CLIENT_TIMEOUT (seconds)
 *   maxAttempts        retries included (default 3)        VAULT_MAX_RETRIES (+1)
 *   retryBaseDelayMs / retryMaxDelayMs   backoff (100 / 2000)
 * Timeouts, 429, 412, 5xx (a sealed Vault is a 503) and connection failures are
 * retried with capped exponential backoff and jitter; then PROVIDER_UNAVAILABLE.
 *
 * The context: derived keys get the envelope's canonical context as their
 * `context`, other AES-GCM/ChaCha20 keys as `associated_data`; Vault then
 * refuses another context. RSA keys take neither, and the envelope header
 * alone binds it. Without `binding`, the key is read once (GET MOUNT/keys/NAME)
 * to tell which. Wrapped keys record `[NS/]MOUNT/keys/NAME` and Vault's
 * `vault:vN:` ciphertext, so they name the key version.
 *
 * Policy: `update` on MOUNT/encrypt/NAME (producers), MOUNT/decrypt/NAME
 * (consumers), MOUNT/datakey/plaintext/NAME (producers of derived and RSA
 * keys), MOUNT/rewrap/NAME (rotation); `read` on MOUNT/keys/NAME unless the
 * URI declares `binding`.
 */
import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';
import { createVaultClient, TransitClient } from './transitClient.js';
import { VaultTransitKeyWrapper } from './vaultKeyWrapper.js';
import { parseVaultKeyUri, VAULT_SCHEME } from './vaultKeyUri.js';
import { readVaultSettings } from './vaultOptions.js';

export const scheme = VAULT_SCHEME;

/**
 * A wrapper for the Transit key a `vault:` URI names. Makes no Vault call:
 * the key is read on first use (or by `wrapper.resolve()`), so a keyring can
 * be built while Vault is unreachable and still decrypt with its other keys.
 */
export function createKeyWrapper(uri: string, options?: ProviderOptions): VaultTransitKeyWrapper {
  const key = parseVaultKeyUri(uri);
  const settings = readVaultSettings(options, process.env);
  // The URI is the most specific: its namespace and binding win over options and the environment.
  const namespace = key.namespace ?? settings.namespace;
  const binding = key.binding ?? settings.binding;
  let vault = settings.client;
  if (vault === undefined) {
    if (settings.address === undefined) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `no Vault address for ${uri}: set VAULT_ADDR or the "address" option`);
    }
    if (settings.token === undefined) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `no Vault token for ${uri}: set VAULT_TOKEN or the "token" option`);
    }
    vault = createVaultClient(settings.address, settings.token, namespace);
  }
  const client = new TransitClient(vault, { requestTimeoutMs: settings.requestTimeoutMs, retry: settings.retry, namespace });
  return new VaultTransitKeyWrapper(client, { mount: key.mount, name: key.name, namespace, binding });
}
