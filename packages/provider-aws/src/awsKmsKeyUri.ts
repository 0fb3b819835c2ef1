import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

/** How a KMS key is named: KMS accepts all four as a KeyId. */
export type KmsKeyIdentifierForm = 'key-arn' | 'alias-arn' | 'alias' | 'key-id';

export interface KmsKeyIdentifier {
  /** The identifier as KMS takes it in a KeyId parameter. */
  readonly keyId: string;
  readonly form: KmsKeyIdentifierForm;
  /** The region an ARN names; undefined for alias names and key ids. */
  readonly region: string | undefined;
  /** The account an ARN names. */
  readonly accountId: string | undefined;
}

export interface AwsKmsKeyUri extends KmsKeyIdentifier {
  /** The region to call: the ARN's, else the `region` query parameter, else undefined. */
  readonly region: string | undefined;
}

export const AWS_KMS_SCHEME = 'awskms';

// arn:PARTITION:kms:REGION:ACCOUNT:key/ID | alias/NAME
const KMS_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[a-z])?|aws-eusc):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):(key|alias)\/(.+)$/;
// Alias names: alias/ then 1-250 of [a-zA-Z0-9/_-] (KMS's own rule).
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
// Key ids: a UUID, or mrk- and 32 hex digits for multi-Region keys.
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const QUERY_PARAMETERS = new Set(['region']);

/**
 * Classifies a KMS key identifier (key ARN, alias ARN, `alias/name` or key id),
 * refusing anything KMS would not take, so a typo fails here and not at KMS.
 */
export function parseKmsKeyIdentifier(identifier: string): KmsKeyIdentifier {
  const arn = KMS_ARN.exec(identifier);
  if (arn) {
    const [, , region = '', accountId = '', type = '', name = ''] = arn;
    if (type === 'key' && !KEY_ID.test(name)) throw invalid(identifier, 'the key ARN does not end in a key id');
    if (type === 'alias' && !ALIAS_NAME.test(`alias/${name}`)) throw invalid(identifier, 'the alias ARN has an invalid alias name');
    return { keyId: identifier, form: type === 'key' ? 'key-arn' : 'alias-arn', region, accountId };
  }
  if (identifier.startsWith('arn:')) throw invalid(identifier, 'not a KMS key or alias ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)');
  if (identifier.startsWith('alias/')) {
    if (!ALIAS_NAME.test(identifier)) throw invalid(identifier, 'alias names are alias/ followed by letters, digits, /, _ or -');
    return { keyId: identifier, form: 'alias', region: undefined, accountId: undefined };
  }
  if (!KEY_ID.test(identifier)) throw invalid(identifier, 'expected a key ARN, an alias ARN, alias/NAME or a key id');
  return { keyId: identifier, form: 'key-id', region: undefined, accountId: undefined };
}

/**
 * Parses an `awskms:` key URI (format in `provider.ts`):
 *   awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-...
 *   awskms://alias/name?region=eu-west-1
 *   awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=eu-west-1
 */
export function parseAwsKmsKeyUri(uri: string): AwsKmsKeyUri {
  if (typeof uri !== 'string' || !uri.startsWith(`${AWS_KMS_SCHEME}://`)) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `"${String(uri)}" is not an awskms key URI: expected awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID or awskms://alias/NAME?region=REGION`,
    );
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${uri}" is not a valid URI`, { cause });
  }
  if (url.username !== '' || url.password !== '' || url.port !== '' || url.hash !== '') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms key URI "${uri}" must not carry credentials, a port or a fragment`);
  }
  for (const name of url.searchParams.keys()) {
    if (!QUERY_PARAMETERS.has(name)) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms key URI "${uri}" has an unknown parameter "${name}" (known: region)`);
    }
  }
  if (url.searchParams.getAll('region').length > 1) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms key URI "${uri}" names the region more than once`);
  }

  // awskms:///ID puts the whole id in the path; awskms://alias/NAME splits it into host and path.
  const raw = url.host === '' ? url.pathname.replace(/^\//, '') : `${url.host}${url.pathname}`;
  let identifier: string;
  try {
    identifier = decodeURIComponent(raw);
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms key URI "${uri}" has a bad percent-encoding`, { cause });
  }
  const key = parseKmsKeyIdentifier(identifier);

  const queryRegion = url.searchParams.get('region') ?? undefined;
  if (queryRegion !== undefined && !REGION.test(queryRegion)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `awskms key URI "${uri}" has an invalid region "${queryRegion}"`);
  }
  // An ARN names its region; a different one in the query is a contradiction, not an override.
  if (key.region !== undefined && queryRegion !== undefined && queryRegion !== key.region) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `awskms key URI "${uri}" names region ${queryRegion}, but its ARN is in ${key.region}; drop the region parameter`,
    );
  }
  return { ...key, region: key.region ?? queryRegion };
}

function invalid(identifier: string, reason: string): EnvelopeError {
  return new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `"${identifier}" is not a KMS key identifier: ${reason}`);
}
