/**
 * An error the emulator answers with, in Vault's shape: an HTTP status and
 * `{"errors": [...]}`. Clients read the status to decide on retries (429, 5xx)
 * and show the first message, so both follow what Vault sends.
 */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly errors: readonly string[];

  constructor(
    readonly status: number,
    errors: string | readonly string[],
  ) {
    const list = typeof errors === 'string' ? [errors] : [...errors];
    super(list[0] ?? `HTTP ${status}`);
    this.errors = Object.freeze(list);
  }

  toBody(): string {
    return JSON.stringify({ errors: this.errors });
  }
}

/** 400: Vault's answer to a request it understood but refuses (`logical.ErrInvalidRequest`). */
export function badRequest(message: string): VaultError {
  return new VaultError(400, message);
}

/** 500 as Vault formats an internal error: a go-multierror list of one. */
export function internalError(message: string): VaultError {
  return new VaultError(500, `1 error occurred:\n\t* ${message}\n\n`);
}

export function permissionDenied(): VaultError {
  return new VaultError(403, 'permission denied');
}

/** The fault kinds the emulator can inject, each with the status and message Vault uses. */
export type VaultFaultKind = 'sealed' | 'throttled' | 'internal' | 'permission-denied' | 'standby';

/**
 * `sealed`: every request while Vault is sealed. `throttled`: a rate-limit
 * quota. `internal`: a storage or plugin failure. `standby`: a performance
 * standby that cannot serve the request yet (Vault answers 412, and its own
 * client retries it).
 */
export function faultError(kind: VaultFaultKind, vaultPath: string, message?: string): VaultError {
  switch (kind) {
    case 'sealed':
      return new VaultError(503, message ?? 'Vault is sealed');
    case 'throttled':
      return new VaultError(429, message ?? `request path "${vaultPath}": rate limit quota exceeded`);
    case 'internal':
      return internalError(message ?? 'injected internal error');
    case 'permission-denied':
      return new VaultError(403, message ?? 'permission denied');
    case 'standby':
      return new VaultError(412, message ?? 'required index state not present');
  }
}

export const VAULT_FAULT_KINDS: readonly VaultFaultKind[] = Object.freeze(['sealed', 'throttled', 'internal', 'permission-denied', 'standby']);
