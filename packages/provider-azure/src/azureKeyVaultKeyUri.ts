import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

export const AZURE_KEY_VAULT_SCHEME = 'azurekeyvault';

/** The DNS suffixes of Key Vault and Managed HSM in the public and sovereign clouds. */
export const KEY_VAULT_DNS_SUFFIXES = [
  'vault.azure.net',
  'vault.azure.cn',
  'vault.usgovcloudapi.net',
  'vault.microsoftazure.de',
  'managedhsm.azure.net',
  'managedhsm.azure.cn',
  'managedhsm.usgovcloudapi.net',
] as const;

/** One Key Vault key, or one version of it. */
export interface KeyVaultKeyName {
  /** The vault's DNS name, lower case: `myvault.vault.azure.net`. */
  readonly vaultHost: string;
  /** The key name as written (Key Vault compares names without regard to case). */
  readonly name: string;
  /** 32 lower-case hex digits, or undefined for "the current version". */
  readonly version: string | undefined;
}

export interface AzureKeyVaultKeyUri extends KeyVaultKeyName {
  /** The id Key Vault knows the key by: `https://HOST/keys/NAME[/VERSION]`. */
  readonly keyId: string;
}

// Vault and Managed HSM names: 3-24 letters, digits and single dashes, starting with a letter.
const VAULT_NAME = /^[a-z](?:[a-z0-9]|-(?!-)){1,22}[a-z0-9]$/;
// Key names: 1-127 letters, digits and dashes.
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const KEY_VERSION = /^[0-9a-fA-F]{32}$/;

/**
 * Parses an `azurekeyvault:` key URI (format in `provider.ts`):
 *   azurekeyvault://myvault.vault.azure.net/keys/NAME
 *   azurekeyvault://myvault.vault.azure.net/keys/NAME/VERSION
 * The vault must be a Key Vault or Managed HSM DNS name, so a typo fails here
 * instead of sending a token somewhere else.
 */
export function parseAzureKeyVaultKeyUri(uri: string): AzureKeyVaultKeyUri {
  if (typeof uri !== 'string' || !uri.startsWith(`${AZURE_KEY_VAULT_SCHEME}://`)) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `"${String(uri)}" is not an azurekeyvault key URI: expected azurekeyvault://VAULT.vault.azure.net/keys/NAME[/VERSION]`,
    );
  }
  return parseKeyUrl(uri, AZURE_KEY_VAULT_SCHEME);
}

/** Parses a Key Vault key id, `https://VAULT.vault.azure.net/keys/NAME[/VERSION]`, as recorded in wrapped keys. */
export function parseKeyVaultKeyId(keyId: string): AzureKeyVaultKeyUri {
  if (typeof keyId !== 'string' || !keyId.startsWith('https://')) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${String(keyId)}" is not a Key Vault key id: expected https://VAULT.vault.azure.net/keys/NAME[/VERSION]`);
  }
  return parseKeyUrl(keyId, 'https');
}

/** `https://HOST/keys/NAME[/VERSION]`: the key id form Key Vault itself uses. */
export function formatKeyVaultKeyId(key: KeyVaultKeyName): string {
  return `https://${key.vaultHost}/keys/${key.name}${key.version === undefined ? '' : `/${key.version}`}`;
}

/** Whether `a` and `b` name one key (any versions): same vault, same name without regard to case. */
export function sameKeyVaultKey(a: KeyVaultKeyName, b: KeyVaultKeyName): boolean {
  return a.vaultHost === b.vaultHost && a.name.toLowerCase() === b.name.toLowerCase();
}

function parseKeyUrl(text: string, scheme: string): AzureKeyVaultKeyUri {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${text}" is not a valid URI`, { cause });
  }
  if (url.username !== '' || url.password !== '' || url.port !== '' || url.search !== '' || url.hash !== '') {
    throw invalid(text, 'it must not carry credentials, a port, a query or a fragment');
  }
  const vaultHost = url.hostname.toLowerCase();
  const suffix = KEY_VAULT_DNS_SUFFIXES.find((s) => vaultHost.endsWith(`.${s}`));
  if (suffix === undefined) throw invalid(text, `the host must be a vault's DNS name, VAULT.${KEY_VAULT_DNS_SUFFIXES[0]} (or another Key Vault or Managed HSM domain)`);
  if (!VAULT_NAME.test(vaultHost.slice(0, -suffix.length - 1))) {
    throw invalid(text, 'vault names are 3-24 letters, digits and single dashes, starting with a letter');
  }
  const [empty, collection, name = '', version, ...rest] = url.pathname.split('/');
  if (empty !== '' || collection !== 'keys' || rest.length > 0) throw invalid(text, `the path must be /keys/NAME or /keys/NAME/VERSION (${scheme}://${vaultHost}/keys/...)`);
  if (!KEY_NAME.test(name)) throw invalid(text, 'key names are 1-127 letters, digits and dashes');
  if (version !== undefined && !KEY_VERSION.test(version)) throw invalid(text, 'key versions are 32 hex digits');
  const key: KeyVaultKeyName = { vaultHost, name, version: version?.toLowerCase() };
  return { ...key, keyId: formatKeyVaultKeyId(key) };
}

function invalid(text: string, reason: string): EnvelopeError {
  return new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${text}" is not an Azure Key Vault key: ${reason}`);
}
