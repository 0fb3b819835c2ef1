import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';
import { EnvelopeError, ErrorCode, type ProviderOptions } from '@envelope-kit/core';

/** Options of `createKeyWrapper` for `azurekeyvault:` URIs. All are optional. */
export interface AzureKeyVaultProviderOptions {
  /** Any TokenCredential: DefaultAzureCredential, ManagedIdentityCredential, a test credential... */
  readonly credential?: TokenCredential;
  /** A ready access token for https://vault.azure.net, used as is (no refresh); ignored when `credential` is given. */
  readonly accessToken?: string;
  /**
   * Send every request to this https URL instead of https://VAULT-HOST: an
   * emulator, or a proxy you trust with your Key Vault tokens. Key ids keep
   * naming the vault of the URI. Turns off the SDK's check that the challenge's
   * resource matches the vault's domain, which it cannot do for another host.
   */
  readonly vaultUrl?: string;
  /** SDK client options passed as is (`tlsOptions`, `proxyOptions`, `userAgentOptions`...); the retry options below win. */
  readonly clientOptions?: KeyClientOptions;
  /** Retries of one call after its first attempt, on 429, 408, 5xx and network errors. Default 3. */
  readonly maxRetries?: number;
  /** The first retry's delay in ms, doubled for each next one. Default 800. A 429's Retry-After overrides it. */
  readonly retryDelayMs?: number;
  /** The longest delay between retries in ms. Default 8000. */
  readonly maxRetryDelayMs?: number;
  /** Deadline of one wrap or unwrap in ms, retries and token acquisition included. Default 30 000. */
  readonly timeoutMs?: number;
  /** How long the key's public part and current version are reused before they are read again, in ms. Default 300 000. */
  readonly keyCacheTtlMs?: number;
}

/** The environment variables the provider reads (the CLI's only way to configure it). */
export const AZURE_KEYVAULT_ENV = Object.freeze({
  /** A static access token, as `az account get-access-token --resource https://vault.azure.net --query accessToken -o tsv` prints. */
  accessToken: 'AZURE_KEYVAULT_ACCESS_TOKEN',
  /** The `vaultUrl` option: an https URL to send requests to instead of the vault's own. */
  vaultUrl: 'AZURE_KEYVAULT_URL_OVERRIDE',
});

const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 800;
const DEFAULT_MAX_RETRY_DELAY_MS = 8_000;
const IDENTITY_PACKAGE = '@azure/identity';
// An opaque token's lifetime is unknown; Entra ID tokens last about an hour.
const ASSUMED_TOKEN_LIFETIME_MS = 3600_000;

/**
 * Reads `azurekeyvault` options from the registry's untyped options, checking
 * each and ignoring names it does not know (so one options object can serve
 * every provider); `env` fills `accessToken` and `vaultUrl` where the options
 * leave them unset.
 */
export function readAzureKeyVaultOptions(
  options: ProviderOptions | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): AzureKeyVaultProviderOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'azurekeyvault options must be an object');
  }
  const given = options ?? {};
  const credential = read(given, 'credential', isTokenCredential, 'a TokenCredential (an object with getToken(scopes, options))');
  const accessToken = read(given, 'accessToken', isNonEmptyString, 'a non-empty string') ?? nonEmpty(env[AZURE_KEYVAULT_ENV.accessToken]);
  const vaultUrlGiven = read(given, 'vaultUrl', isHttpsOrigin, 'an https URL without a path, e.g. https://127.0.0.1:8443') ?? fromEnv(env, AZURE_KEYVAULT_ENV.vaultUrl);
  // The origin alone: the SDK appends /keys/... to it, and a trailing slash would double it.
  const vaultUrl = vaultUrlGiven === undefined ? undefined : new URL(vaultUrlGiven).origin;
  const clientOptions = read(given, 'clientOptions', isObject, 'an object of @azure/keyvault-keys client options');
  const maxRetries = read(given, 'maxRetries', integerIn(0, 10), 'an integer from 0 to 10');
  const retryDelayMs = read(given, 'retryDelayMs', integerIn(0, 60_000), 'an integer from 0 to 60000');
  const maxRetryDelayMs = read(given, 'maxRetryDelayMs', integerIn(0, 600_000), 'an integer from 0 to 600000');
  const timeoutMs = read(given, 'timeoutMs', integerIn(1, 600_000), 'an integer from 1 to 600000');
  const keyCacheTtlMs = read(given, 'keyCacheTtlMs', integerIn(0, 86_400_000), 'an integer from 0 to 86400000');
  return {
    ...(credential === undefined ? {} : { credential }),
    ...(accessToken === undefined ? {} : { accessToken }),
    ...(vaultUrl === undefined ? {} : { vaultUrl }),
    ...(clientOptions === undefined ? {} : { clientOptions }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
    ...(maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(keyCacheTtlMs === undefined ? {} : { keyCacheTtlMs }),
  };
}

/**
 * The credential to use: the one given, else a static token, else
 * DefaultAzureCredential from @azure/identity, which the app installs if it
 * wants it (its current major needs a newer Node than this package does).
 */
export async function resolveCredential(options: AzureKeyVaultProviderOptions): Promise<TokenCredential> {
  if (options.credential) return options.credential;
  if (options.accessToken !== undefined) return staticTokenCredential(options.accessToken);
  return loadDefaultAzureCredential();
}

/**
 * A KeyClient for the vault at `vaultHost`, or at `options.vaultUrl`.
 * Retries are bounded so a dead vault becomes PROVIDER_UNAVAILABLE in seconds.
 */
export function createKeyClient(vaultHost: string, credential: TokenCredential, options: AzureKeyVaultProviderOptions): KeyClient {
  const base = options.clientOptions ?? {};
  const clientOptions: KeyClientOptions = {
    ...base,
    retryOptions: {
      ...base.retryOptions,
      maxRetries: options.maxRetries ?? base.retryOptions?.maxRetries ?? DEFAULT_MAX_RETRIES,
      retryDelayInMs: options.retryDelayMs ?? base.retryOptions?.retryDelayInMs ?? DEFAULT_RETRY_DELAY_MS,
      maxRetryDelayInMs: options.maxRetryDelayMs ?? base.retryOptions?.maxRetryDelayInMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
    },
    // The challenge names https://vault.azure.net, which cannot match another host: the override is trusted by configuration.
    ...(options.vaultUrl === undefined ? {} : { disableChallengeResourceVerification: true }),
  };
  return new KeyClient(options.vaultUrl ?? `https://${vaultHost}`, credential, clientOptions);
}

/**
 * A credential that always returns `token`. Its expiry is read from the
 * token when it is a JWT (so the SDK knows when it is stale); Key Vault
 * answers an expired one with 401, reported as PERMISSION_DENIED.
 */
export function staticTokenCredential(token: string): TokenCredential {
  if (!isNonEmptyString(token) || /\s/.test(token)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the Azure Key Vault access token must be a non-empty string without spaces');
  }
  const expiresOnTimestamp = jwtExpiry(token) ?? Date.now() + ASSUMED_TOKEN_LIFETIME_MS;
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp, tokenType: 'Bearer' }) };
}

async function loadDefaultAzureCredential(): Promise<TokenCredential> {
  let module: unknown;
  try {
    // A variable specifier: TypeScript must not require the optional package at build time.
    module = await import(IDENTITY_PACKAGE);
  } catch (cause) {
    const missing = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(cause).includes(IDENTITY_PACKAGE);
    if (!missing) throw cause;
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `azurekeyvault keys need a credential: pass options.credential, set ${AZURE_KEYVAULT_ENV.accessToken}, or install ${IDENTITY_PACKAGE} (npm install ${IDENTITY_PACKAGE}) for DefaultAzureCredential`,
      { cause },
    );
  }
  const DefaultAzureCredential = (module as { DefaultAzureCredential?: unknown }).DefaultAzureCredential;
  if (typeof DefaultAzureCredential !== 'function') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${IDENTITY_PACKAGE} does not export DefaultAzureCredential`);
  }
  return new (DefaultAzureCredential as new () => TokenCredential)();
}

/** The `exp` claim of a JWT, in ms; undefined when the token is not a JWT. The signature is Key Vault's business. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = nonEmpty(env[name]);
  if (value !== undefined && !isHttpsOrigin(value)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${name} must be an https URL without a path, e.g. https://127.0.0.1:8443`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function isTokenCredential(value: unknown): value is TokenCredential {
  return value !== null && typeof value === 'object' && typeof (value as { getToken?: unknown }).getToken === 'function';
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isObject(value: unknown): value is KeyClientOptions {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isHttpsOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '' && url.username === '';
  } catch {
    return false;
  }
}

/** One option, checked: undefined when absent, else of the type `valid` admits. */
function read<T>(options: ProviderOptions, name: string, valid: (value: unknown) => value is T, expected: string): T | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `azurekeyvault option "${name}" must be ${expected}`);
  return value;
}

function integerIn(min: number, max: number): (value: unknown) => value is number {
  return (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
