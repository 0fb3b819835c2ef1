/**
 * The `gcpkms` provider: wraps data keys with Google Cloud KMS keys through the
 * official `@google-cloud/kms` client (after gocloud.dev/secrets/gcpkms).
 *
 * URI format (scheme `gcpkms`), see `parseGcpKmsKeyUri`: the key's resource name.
 *   gcpkms://projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY
 *   gcpkms://projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY/cryptoKeyVersions/VERSION
 * No query parameters. Symmetric keys are best named without a version (Encrypt
 * then uses the primary, so rotation needs no configuration change); asymmetric
 * keys have no primary and must name a version.
 *
 * Options (`createKeyWrapper(uri, options)`), all optional; names it does not
 * know are ignored so one options object can serve several providers:
 *   client            an existing KeyManagementServiceClient, used as is
 *   emulatorHost      host:port of a Cloud KMS emulator (plaintext gRPC)
 *   emulatorToken     the emulator's bearer token, sent as call metadata
 *   maxAttempts       attempts per call, retries included (default 3)
 *   attemptTimeoutMs  per attempt (default 3000), so a call ends within about 10 s
 *   retryDelayMs      the first backoff, doubling up to 1 s, jittered (default 100)
 * Retried: UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED, nothing else.
 * Environment (for the CLI): GCP_KMS_EMULATOR_HOST=host:port selects the emulator,
 * like Google's other *_EMULATOR_HOST variables; GCP_KMS_EMULATOR_TOKEN is its
 * token. Otherwise the client uses Application Default Credentials
 * (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, the metadata server).
 *
 * Keys: ENCRYPT_DECRYPT keys wrap with Encrypt and unwrap with Decrypt, the
 * context as additionalAuthenticatedData (`encodeContext(context)`), so KMS binds
 * it; wrapped keys record the crypto key name. ASYMMETRIC_DECRYPT keys with
 * RSA_DECRYPT_OAEP_{2048,3072,4096}_SHA256 wrap locally with the version's public
 * key (GetPublicKey, once) and unwrap with AsymmetricDecrypt; KMS takes no OAEP
 * label, so the envelope header alone binds the context; wrapped keys record
 * the version name. Every call sends and checks CRC32C checksums.
 *
 * IAM: symmetric keys need cloudkms.cryptoKeyVersions.useToEncrypt (producers)
 * and useToDecrypt (consumers), as in roles/cloudkms.cryptoKeyEncrypterDecrypter;
 * a key named with a version also cloudkms.cryptoKeys.get (GetCryptoKey, once) to
 * producers. Asymmetric keys: cloudkms.cryptoKeys.get and
 * cloudkms.cryptoKeyVersions.viewPublicKey (producers), useToDecrypt (consumers).
 */
import type { ProviderOptions } from '@envelope-kit/core';
import { connectGcpKms, readGcpKmsOptions } from './gcpKmsClientOptions.js';
import { GCP_KMS_SCHEME, parseGcpKmsKeyUri } from './gcpKmsKeyUri.js';
import { GcpKmsKeyWrapper } from './gcpKmsKeyWrapper.js';

export const scheme = GCP_KMS_SCHEME;

/**
 * A wrapper for the key a `gcpkms:` URI names. Makes no KMS call: the key is
 * used (or looked up) on first use, so a keyring can be built while KMS is
 * unreachable and still decrypt with its other keys.
 */
export function createKeyWrapper(uri: string, options?: ProviderOptions): GcpKmsKeyWrapper {
  const key = parseGcpKmsKeyUri(uri);
  const { client, ownsClient, callOptions } = connectGcpKms(readGcpKmsOptions(options));
  return new GcpKmsKeyWrapper(client, key.resourceName, { ownsClient, callOptions });
}
