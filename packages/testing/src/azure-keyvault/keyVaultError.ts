/**
 * The error codes the emulator answers with, and the HTTP status Key Vault
 * uses for each. The SDK throws a `RestError` carrying the status and the body
 * `{"error":{"code","message","innererror":{"code"}}}` as `details`; the status
 * decides retries (429 with Retry-After, 408 and 5xx are retried, others not).
 */
export const KEY_VAULT_ERROR_STATUS = {
  BadParameter: 400,
  Unauthorized: 401,
  Forbidden: 403,
  KeyNotFound: 404,
  NotFound: 404,
  Conflict: 409,
  Throttled: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type KeyVaultErrorCode = keyof typeof KEY_VAULT_ERROR_STATUS;

export interface KeyVaultErrorOptions {
  /** `innererror.code`, which Key Vault uses to say why a 403 happened (KeyDisabled, AccessDenied...). */
  readonly innerCode?: string;
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error the emulator reports to the client in Key Vault's error shape. */
export class KeyVaultError extends Error {
  override readonly name = 'KeyVaultError';
  readonly innerCode: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: KeyVaultErrorCode,
    message: string,
    options: KeyVaultErrorOptions = {},
  ) {
    super(message);
    this.innerCode = options.innerCode;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return KEY_VAULT_ERROR_STATUS[this.code];
  }

  toBody(): string {
    const inner = this.innerCode === undefined ? {} : { innererror: { code: this.innerCode } };
    return JSON.stringify({ error: { code: this.code, message: this.message, ...inner } });
  }
}

export function isKeyVaultErrorCode(name: string): name is KeyVaultErrorCode {
  return Object.hasOwn(KEY_VAULT_ERROR_STATUS, name);
}
