/**
 * The `awskms` provider: wraps data keys with AWS KMS keys through the official
 * `@aws-sdk/client-kms` (after gocloud.dev/secrets/awskms).
 *
 * URI format (scheme `awskms`), see `parseAwsKmsKeyUri`:
 *   awskms:///arn:aws:kms:REGION:ACCOUNT:key/KEY-ID      key ARN; the region is the ARN's
 *   awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME      alias ARN; the region is the ARN's
 *   awskms://alias/NAME?region=REGION                     alias name
 *   awskms://KEY-ID?region=REGION                         key id (a UUID, or mrk-... for multi-Region keys)
 * `region` is the only query parameter, and must agree with an ARN. Without an
 * ARN or `region`, `options.region` applies, else the SDK's default chain
 * (AWS_REGION, AWS_DEFAULT_REGION, ~/.aws/config).
 *
 * Options (`createKeyWrapper(uri, options)`), all optional; names it does not
 * know are ignored so one options object can serve several providers:
 *   client               an existing KMSClient, used as is (its region must be the key's)
 *   region               the region when the URI names none
 *   endpoint             another endpoint, e.g. an emulator's http://127.0.0.1:PORT
 *   credentials          { accessKeyId, secretAccessKey, sessionToken? } or a provider function
 *   maxAttempts          attempts per KMS call, retries included (default 3)
 *   requestTimeoutMs     per attempt (default 10000); connectionTimeoutMs (default 3000)
 * Without `client`, `endpoint` or `credentials`, the SDK's default chain decides,
 * env included: AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL for the endpoint,
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, SSO, IMDS.
 *
 * Keys: symmetric (SYMMETRIC_DEFAULT) keys wrap with KMS Encrypt and unwrap with
 * Decrypt, the envelope's context as EncryptionContext, so KMS binds it; data keys
 * come from GenerateDataKey. RSA keys (RSA_2048/3072/4096, ENCRYPT_DECRYPT) wrap
 * locally with RSAES_OAEP_SHA_256 and the public key (GetPublicKey, once) and
 * unwrap with KMS Decrypt; KMS takes no OAEP label, so the envelope header alone
 * binds the context. Wrapped keys record the key ARN.
 *
 * Discovery (`createDiscoveryKeyWrapper(options)`, config `discovery: ['awskms']`):
 * unwraps with whatever key ARN an envelope names, in that ARN's region, and
 * never wraps. Options as above plus `accounts` (12-digit ids; strongly
 * recommended, since the envelope picks the key) and `partition` (default aws).
 *
 * IAM: kms:DescribeKey always; symmetric keys also kms:Encrypt, kms:GenerateDataKey
 * (producers) and kms:Decrypt (consumers); RSA keys kms:GetPublicKey (producers,
 * once) and kms:Decrypt (consumers).
 */
import type { ProviderOptions } from '@envelope-kit/core';
import { AWS_KMS_SCHEME, parseAwsKmsKeyUri } from './awsKmsKeyUri.js';
import { AwsKmsKeyWrapper } from './awsKmsKeyWrapper.js';
import { createKmsClient, readAwsKmsOptions } from './kmsClientOptions.js';

export const scheme = AWS_KMS_SCHEME;

export { createDiscoveryKeyWrapper } from './awsKmsDiscoveryKeyWrapper.js';

/**
 * A wrapper for the key an `awskms:` URI names. Makes no KMS call: the key is
 * looked up on first use (or by `wrapper.resolve()`), so a keyring can be built
 * while KMS is unreachable and still decrypt with its other keys.
 */
export function createKeyWrapper(uri: string, options?: ProviderOptions): AwsKmsKeyWrapper {
  const key = parseAwsKmsKeyUri(uri);
  const settings = readAwsKmsOptions(options);
  if (settings.client) return new AwsKmsKeyWrapper(settings.client, key.keyId);
  return new AwsKmsKeyWrapper(createKmsClient(settings, key.region), key.keyId, { ownsClient: true });
}
