import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

export const GCP_KMS_SCHEME = 'gcpkms';

/** A Cloud KMS crypto key, or one version of it, by resource name. */
export interface GcpKmsKeyName {
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K`: what Decrypt takes. */
  readonly cryptoKey: string;
  /** The version id (`3`) when one is named; undefined for the key itself. */
  readonly version: string | undefined;
  /** The name as given: the crypto key's, or `.../cryptoKeyVersions/V`. */
  readonly resourceName: string;
  readonly project: string;
  readonly location: string;
  readonly keyRing: string;
  readonly key: string;
}

// Project ids (my-project), domain-scoped ids (example.com:my-project) and project numbers.
const PROJECT = '[a-z0-9][a-z0-9.:-]{0,99}';
// global, us, europe-west1, nam-eur-asia1, ...
const LOCATION = '[a-z0-9][a-z0-9-]{0,62}';
// Cloud KMS's own rule for key ring and crypto key ids.
const RESOURCE_ID = '[a-zA-Z0-9_-]{1,63}';
const VERSION_ID = '[1-9][0-9]{0,17}';
const RESOURCE_NAME = new RegExp(
  `^projects/(${PROJECT})/locations/(${LOCATION})/keyRings/(${RESOURCE_ID})/cryptoKeys/(${RESOURCE_ID})(?:/cryptoKeyVersions/(${VERSION_ID}))?$`,
);
const FORMAT = 'projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY[/cryptoKeyVersions/VERSION]';

/**
 * Parses a crypto key or crypto key version resource name, refusing anything
 * Cloud KMS would not take, so a typo fails here and not at the service.
 */
export function parseGcpKmsResourceName(name: string): GcpKmsKeyName {
  const match = typeof name === 'string' ? RESOURCE_NAME.exec(name) : null;
  if (!match) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${String(name)}" is not a Cloud KMS key name: expected ${FORMAT}`);
  const [, project = '', location = '', keyRing = '', key = '', version] = match;
  return {
    cryptoKey: `projects/${project}/locations/${location}/keyRings/${keyRing}/cryptoKeys/${key}`,
    version,
    resourceName: name,
    project,
    location,
    keyRing,
    key,
  };
}

/**
 * Parses a `gcpkms:` key URI (format in `provider.ts`): the resource name
 * after `gcpkms://` (or `gcpkms:///`), with no query, fragment or escapes.
 *   gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K
 *   gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V
 */
export function parseGcpKmsKeyUri(uri: string): GcpKmsKeyName {
  const prefix = `${GCP_KMS_SCHEME}://`;
  if (typeof uri !== 'string' || !uri.startsWith(prefix)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${String(uri)}" is not a gcpkms key URI: expected ${prefix}${FORMAT}`);
  }
  // Resource names never need escaping; a query or fragment would be an option this provider does not have.
  if (/[?#%]/.test(uri)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `gcpkms key URI "${uri}" must not carry a query, a fragment or percent-escapes`);
  }
  const name = uri.slice(prefix.length).replace(/^\//, '');
  try {
    return parseGcpKmsResourceName(name);
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `gcpkms key URI "${uri}" does not name a key: expected ${prefix}${FORMAT}`, { cause });
  }
}
