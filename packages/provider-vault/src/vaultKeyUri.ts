import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

export const VAULT_SCHEME = 'vault';

/**
 * How the envelope's context reaches Vault:
 *   context          as the key-derivation `context` (derived keys)
 *   associated_data  as AEAD `associated_data` (non-derived AES-GCM and ChaCha20 keys)
 *   none             not at all: the envelope header alone binds it (RSA keys)
 */
export type VaultContextBinding = 'context' | 'associated_data' | 'none';

export const VAULT_CONTEXT_BINDINGS: readonly VaultContextBinding[] = Object.freeze(['context', 'associated_data', 'none']);

export interface VaultKeyUri {
  /** Where Transit is mounted, without slashes at either end; may have several segments (`team-a/transit`). */
  readonly mount: string;
  /** The Transit key's name. */
  readonly name: string;
  /** The Vault Enterprise namespace the URI names, if any. */
  readonly namespace: string | undefined;
  /** The binding the URI declares, if any; else it is learnt by reading the key. */
  readonly binding: VaultContextBinding | undefined;
}

// Mount and namespace segments: what `vault secrets enable -path=` and namespace names take in
// practice. Not starting with a dot rules out `.` and `..`.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
// Vault's framework.GenericNameRegex, which Transit routes key names through.
const KEY_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/;
const QUERY_PARAMETERS = new Set(['namespace', 'binding']);
const FORMAT = 'vault://MOUNT/keys/NAME[?namespace=NS&binding=context|associated_data|none]';

/**
 * Parses a `vault:` key URI (format in `provider.ts`):
 *   vault://transit/keys/orders
 *   vault://team-a/transit/keys/orders?namespace=eu
 *   vault://transit/keys/tenants?binding=context
 * The key is everything after the last `/keys/`; what precedes it is the mount.
 */
export function parseVaultKeyUri(uri: string): VaultKeyUri {
  if (typeof uri !== 'string' || !uri.startsWith(`${VAULT_SCHEME}://`)) {
    throw invalid(String(uri), `not a vault key URI: expected ${FORMAT}`);
  }
  const rest = uri.slice(`${VAULT_SCHEME}://`.length);
  if (/[#%\s]/.test(rest)) throw invalid(uri, 'must not contain #, % or spaces (mounts and key names never need them)');
  const queryStart = rest.indexOf('?');
  const path = queryStart < 0 ? rest : rest.slice(0, queryStart);
  const query = new URLSearchParams(queryStart < 0 ? '' : rest.slice(queryStart + 1));

  const keysAt = path.lastIndexOf('/keys/');
  if (keysAt <= 0) throw invalid(uri, `expected ${FORMAT}`);
  const mount = path.slice(0, keysAt);
  const name = path.slice(keysAt + '/keys/'.length);
  if (!isPath(mount)) throw invalid(uri, `the mount "${mount}" must be segments of letters, digits, _, - or . joined by /`);
  if (!KEY_NAME.test(name)) throw invalid(uri, `the key name "${name}" must be letters, digits, _, -, . or @, starting and ending with a letter, digit or _`);

  for (const parameter of new Set(query.keys())) {
    if (!QUERY_PARAMETERS.has(parameter)) throw invalid(uri, `unknown parameter "${parameter}" (known: namespace, binding)`);
    if (query.getAll(parameter).length > 1) throw invalid(uri, `names ${parameter} more than once`);
  }
  const namespace = readNamespace(query.get('namespace') ?? undefined, uri);
  const bindingText = query.get('binding') ?? undefined;
  if (bindingText !== undefined && !isBinding(bindingText)) {
    throw invalid(uri, `binding must be one of ${VAULT_CONTEXT_BINDINGS.join(', ')}, got "${bindingText}"`);
  }
  return { mount, name, namespace, binding: bindingText };
}

/**
 * The key id recorded in wrapped keys: the key's absolute Vault path,
 * `[NAMESPACE/]MOUNT/keys/NAME`, which is how Vault itself names a path in a namespace.
 */
export function vaultKeyId(key: Pick<VaultKeyUri, 'mount' | 'name' | 'namespace'>): string {
  return `${key.namespace === undefined ? '' : `${key.namespace}/`}${key.mount}/keys/${key.name}`;
}

/** A namespace path without surrounding slashes; undefined when absent or empty (the root namespace). */
export function normalizeNamespace(namespace: string | undefined, source: string): string | undefined {
  if (namespace === undefined) return undefined;
  const trimmed = namespace.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return undefined;
  if (!isPath(trimmed)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${source}: the namespace "${namespace}" must be segments of letters, digits, _, - or . joined by /`);
  }
  return trimmed;
}

export function isBinding(value: unknown): value is VaultContextBinding {
  return typeof value === 'string' && (VAULT_CONTEXT_BINDINGS as readonly string[]).includes(value);
}

function readNamespace(value: string | undefined, uri: string): string | undefined {
  if (value === undefined) return undefined;
  const namespace = normalizeNamespace(value, `vault key URI "${uri}"`);
  if (namespace === undefined) throw invalid(uri, 'the namespace parameter is empty; leave it out for the root namespace');
  return namespace;
}

function isPath(path: string): boolean {
  return path.split('/').every((segment) => SEGMENT.test(segment));
}

function invalid(uri: string, reason: string): EnvelopeError {
  return new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `vault key URI "${uri}": ${reason}`);
}
