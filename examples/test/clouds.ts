import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyClient } from '@azure/keyvault-keys';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { AzureKeyVaultEmulator } from '@envelope-kit/testing/azure-keyvault';
import { GcpKmsEmulator } from '@envelope-kit/testing/gcp-kms';
import { AwsKmsEmulator } from '@envelope-kit/testing/aws-kms';
import { VaultEmulator } from '@envelope-kit/testing/vault';
import nodeVault from 'node-vault';

/** One key service, emulated on 127.0.0.1, as an app would be configured for it. */
export interface Cloud {
  readonly name: string;
  /** A key URI for a fresh key. */
  readonly uri: string;
  /** The variables a deployment would set (endpoint, credentials). */
  readonly env: Record<string, string>;
  /** Requests the service has answered. */
  requests(): number;
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
  close(): Promise<void>;
}

export async function awsCloud(): Promise<Cloud> {
  const kms = await AwsKmsEmulator.start();
  const config = kms.clientConfig('eu-west-1');
  const admin = new KMSClient(config);
  const arn = (await admin.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  admin.destroy();
  return {
    name: 'awskms',
    uri: `awskms:///${arn}`,
    env: {
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
      AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      // Fail over fast when this cloud is down.
      AWS_MAX_ATTEMPTS: '1',
    },
    requests: () => kms.requestCount(),
    goOffline: () => kms.goOffline(),
    goOnline: () => kms.goOnline(),
    close: () => kms.close(),
  };
}

export async function vaultCloud(): Promise<Cloud> {
  const vault = await VaultEmulator.start();
  await nodeVault(vault.clientConfig()).write('transit/keys/app', { type: 'aes256-gcm96' });
  return {
    name: 'vault',
    uri: 'vault://transit/keys/app',
    env: { ...vault.env(), VAULT_MAX_RETRIES: '1' },
    requests: () => vault.requestCount(),
    goOffline: () => vault.goOffline(),
    goOnline: () => vault.goOnline(),
    close: () => vault.close(),
  };
}

export async function azureCloud(): Promise<Cloud> {
  const kv = await AzureKeyVaultEmulator.start();
  const admin = new KeyClient(kv.vaultUrl, kv.credential(), { ...kv.clientOptions(), retryOptions: { maxRetries: 0 } });
  await admin.createRsaKey('app', { keySize: 2048 });
  const ca = join(await mkdtemp(join(tmpdir(), 'azure-ca-')), 'emulator-ca.pem');
  await writeFile(ca, kv.caCertificate);
  return {
    name: 'azurekeyvault',
    uri: 'azurekeyvault://examples.vault.azure.net/keys/app',
    // A token as `az account get-access-token` gives one, the emulator standing in for the vault, its CA trusted.
    env: { AZURE_KEYVAULT_ACCESS_TOKEN: kv.issueToken(), AZURE_KEYVAULT_URL_OVERRIDE: kv.vaultUrl, NODE_EXTRA_CA_CERTS: ca },
    requests: () => kv.requestCount(),
    goOffline: () => kv.goOffline(),
    goOnline: () => kv.goOnline(),
    close: () => kv.close(),
  };
}

export async function gcpCloud(): Promise<Cloud> {
  const kms = await GcpKmsEmulator.start();
  const admin = new KeyManagementServiceClient(kms.clientOptions());
  const call = { ...kms.callOptions(), retry: null };
  const [ring] = await admin.createKeyRing({ parent: 'projects/examples/locations/global', keyRingId: 'app' }, call);
  const [key] = await admin.createCryptoKey({ parent: ring.name!, cryptoKeyId: 'data', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }, call);
  await admin.close();
  return {
    name: 'gcpkms',
    uri: `gcpkms://${key.name}`,
    env: { GCP_KMS_EMULATOR_HOST: kms.host, GCP_KMS_EMULATOR_TOKEN: kms.token },
    requests: () => kms.requestCount(),
    goOffline: () => kms.goOffline(),
    goOnline: () => kms.goOnline(),
    close: () => kms.close(),
  };
}
