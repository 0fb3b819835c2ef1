import { KMSClient } from '@aws-sdk/client-kms';
import type { AwsKmsEmulator, EmulatorCredentials } from '../src/index.js';

export interface TestClientOptions {
  readonly region?: string;
  readonly credentials?: EmulatorCredentials;
  /** SDK attempts per call; 1 unless a test is about retries, so errors surface at once. */
  readonly maxAttempts?: number;
}

/** The official SDK client, configured only with endpoint, region and static credentials. */
export function kmsClient(kms: AwsKmsEmulator, options: TestClientOptions = {}): KMSClient {
  return new KMSClient({ ...kms.clientConfig(options.region, options.credentials), maxAttempts: options.maxAttempts ?? 1 });
}

/** The rejection of `promise`, for checking an SDK error's name and status. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
    return { name: error.name, message: error.message, status: metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
