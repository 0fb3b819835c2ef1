/** The Transit operations the emulator implements, as fault scopes and request counts name them. */
export const VAULT_OPERATIONS = Object.freeze([
  'createKey',
  'readKey',
  'deleteKey',
  'rotateKey',
  'configureKey',
  'encrypt',
  'decrypt',
  'rewrap',
  'datakey',
] as const);

export type VaultOperation = (typeof VAULT_OPERATIONS)[number];

/** Counted under this name: requests outside any mount, or to a path Transit does not have. */
export const UNKNOWN_OPERATION = '(unknown)';

export interface TransitRoute {
  readonly operation: VaultOperation;
  readonly mount: string;
  readonly name: string;
  /** `datakey` only: the `plaintext` or `wrapped` path segment, checked by the operation as Vault does. */
  readonly datakeyType?: string;
}

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: TransitRoute; readonly vaultPath: string }
  | { readonly kind: 'unsupported-operation'; readonly operation: VaultOperation; readonly vaultPath: string }
  | { readonly kind: 'no-route'; readonly vaultPath: string };

// framework.GenericNameRegex: a word character, then word characters, '-', '.' or '@', ending in a word character.
const KEY_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/;
const WRITE = new Set(['POST', 'PUT']);

/**
 * Maps `METHOD /v1/<mount>/<path>` to a Transit operation. The mount is the
 * longest configured mount the path starts with, so mounts may contain
 * slashes (`team-a/transit`), as they may in Vault.
 */
export function matchRoute(method: string, pathname: string, mounts: readonly string[]): RouteMatch {
  const vaultPath = pathname.startsWith('/v1/') ? pathname.slice('/v1/'.length) : pathname.replace(/^\//, '');
  if (!pathname.startsWith('/v1/')) return { kind: 'no-route', vaultPath };
  const mount = mounts
    .filter((m) => vaultPath.startsWith(`${m}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (mount === undefined) return { kind: 'no-route', vaultPath };

  const segments = vaultPath.slice(mount.length + 1).split('/');
  const candidate = operationFor(segments);
  if (candidate === undefined || !KEY_NAME.test(candidate.name)) return { kind: 'no-route', vaultPath };
  const { name, datakeyType } = candidate;
  // keys/:name is a read for GET, a delete for DELETE and a create for POST/PUT; the other paths take writes only.
  const operation: VaultOperation =
    candidate.operation !== 'readKey' ? candidate.operation : WRITE.has(method) ? 'createKey' : method === 'DELETE' ? 'deleteKey' : 'readKey';
  const allowed = operation === 'readKey' ? method === 'GET' : operation === 'deleteKey' || WRITE.has(method);
  if (!allowed) return { kind: 'unsupported-operation', operation, vaultPath };
  return {
    kind: 'route',
    route: { operation, mount, name, ...(datakeyType === undefined ? {} : { datakeyType }) },
    vaultPath,
  };
}

/** The operation a request path names, before the method and the mount's existence are checked (for counting). */
export function operationOf(method: string, pathname: string, mounts: readonly string[]): string {
  const match = matchRoute(method, pathname, mounts);
  if (match.kind === 'route') return match.route.operation;
  if (match.kind === 'unsupported-operation') return match.operation;
  return UNKNOWN_OPERATION;
}

function operationFor(segments: readonly string[]): { operation: VaultOperation; name: string; datakeyType?: string } | undefined {
  const [first, second, third, ...rest] = segments;
  if (first === undefined || second === undefined || rest.length > 0) return undefined;
  switch (first) {
    case 'keys':
      if (third === undefined) return { operation: 'readKey', name: second };
      if (third === 'rotate') return { operation: 'rotateKey', name: second };
      if (third === 'config') return { operation: 'configureKey', name: second };
      return undefined;
    case 'encrypt':
    case 'decrypt':
    case 'rewrap':
      return third === undefined ? { operation: first, name: second } : undefined;
    case 'datakey':
      return third === undefined ? undefined : { operation: 'datakey', name: third, datakeyType: second };
    default:
      return undefined;
  }
}
