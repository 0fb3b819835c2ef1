import { randomBytes, randomUUID } from 'node:crypto';
import { KeyVaultError } from './keyVaultError.js';

/** The resource Key Vault names in its challenge; tokens are asked for its `/.default` scope. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
export const KEY_VAULT_SCOPE = `${KEY_VAULT_RESOURCE}/.default`;

/** The key permissions of a Key Vault access policy that the emulator checks. */
export const KEY_PERMISSIONS = ['get', 'create', 'update', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] as const;
export type KeyPermission = (typeof KEY_PERMISSIONS)[number];

export interface TokenOptions {
  /** What the bearer may do, as an access policy grants it. Default: every key permission. */
  readonly permissions?: readonly KeyPermission[];
  /** How long the token is valid. Default 3600 s, as Entra ID issues them. */
  readonly lifetimeSeconds?: number;
}

/** A token as `TokenCredential.getToken` returns it (`AccessToken` of @azure/core-auth). */
export interface EmulatorAccessToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
  readonly tokenType: 'Bearer';
}

/** Who made a request, once its token checked out. */
export interface Caller {
  readonly principal: string;
  readonly permissions: ReadonlySet<KeyPermission>;
}

interface IssuedToken extends Caller {
  readonly expiresOnTimestamp: number;
}

const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * The emulator's stand-in for Microsoft Entra ID: it issues opaque bearer
 * tokens and accepts only those, unexpired. A request without a token gets
 * Key Vault's 401 challenge, naming the authority (with the tenant) and the
 * resource, from which the SDK's challenge policy derives the token scope.
 */
export class TokenAuthority {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(readonly tenantId: string) {}

  /** `Bearer authorization="https://login.microsoftonline.com/TENANT", resource="https://vault.azure.net"`. */
  get challenge(): string {
    return `Bearer authorization="https://login.microsoftonline.com/${this.tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
  }

  issue(options: TokenOptions = {}): EmulatorAccessToken {
    const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    if (!Number.isFinite(lifetime)) throw new RangeError(`lifetimeSeconds must be a number, got ${lifetime}`);
    const permissions = new Set(options.permissions ?? KEY_PERMISSIONS);
    const token = `kvemu.${randomBytes(24).toString('base64url')}`;
    const expiresOnTimestamp = Date.now() + lifetime * 1000;
    this.tokens.set(token, { principal: randomUUID(), permissions, expiresOnTimestamp });
    return { token, expiresOnTimestamp, tokenType: 'Bearer' };
  }

  /** The caller an `Authorization` header names; 401 Unauthorized when there is none or it is not ours. */
  authenticate(authorization: string | undefined): Caller {
    if (authorization === undefined || authorization === '') {
      throw new KeyVaultError('Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.');
    }
    const match = /^Bearer ([^\s]+)$/i.exec(authorization);
    const issued = match ? this.tokens.get(match[1]!) : undefined;
    if (!issued) throw new KeyVaultError('Unauthorized', 'The access token is invalid: this emulator did not issue it.');
    if (issued.expiresOnTimestamp <= Date.now()) throw new KeyVaultError('Unauthorized', 'The access token has expired.');
    return issued;
  }

  /** Refuses the request unless the caller's access policy grants `permission`. */
  authorize(caller: Caller, permission: KeyPermission, vaultName: string): void {
    if (caller.permissions.has(permission)) return;
    throw new KeyVaultError(
      'Forbidden',
      `The user, group or application 'appid=${caller.principal};oid=${caller.principal};iss=https://sts.windows.net/${this.tenantId}/' does not have keys ${permission} permission on key vault '${vaultName};location=emulator'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
      { innerCode: 'AccessDenied' },
    );
  }
}
