import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { CreateAliasCommand, CreateKeyCommand, KMSClient, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';
import { localKeyWrapper, type LocalRsaKeyWrapper } from '@envelope-kit/provider-local';
import { AwsKmsEmulator, type EmulatorCredentials } from '@envelope-kit/testing';
import { createKeyWrapper, type AwsKmsKeyWrapper } from '../src/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** An emulator and an admin client to set keys up with, through the SDK like any caller. */
export interface KmsFixture {
  readonly kms: AwsKmsEmulator;
  readonly admin: KMSClient;
  /** Creates a key (and an alias to it, if named) and returns its ARN. */
  createKey(options?: { readonly spec?: KeySpec; readonly usage?: KeyUsageType; readonly alias?: string }): Promise<string>;
  /** A wrapper for `uri` talking to the emulator with the given (default: valid) credentials. */
  wrapper(uri: string, options?: { readonly credentials?: EmulatorCredentials; readonly maxAttempts?: number; readonly requestTimeoutMs?: number }): AwsKmsKeyWrapper;
  close(): Promise<void>;
}

export async function startKms(credentials?: readonly EmulatorCredentials[]): Promise<KmsFixture> {
  const kms = await AwsKmsEmulator.start(credentials === undefined ? {} : { credentials });
  const admin = new KMSClient({ ...kms.clientConfig(), maxAttempts: 1 });
  const wrappers: AwsKmsKeyWrapper[] = [];
  return {
    kms,
    admin,
    async createKey({ spec = 'SYMMETRIC_DEFAULT', usage = 'ENCRYPT_DECRYPT', alias } = {}) {
      const { KeyMetadata } = await admin.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }));
      const arn = KeyMetadata!.Arn!;
      if (alias !== undefined) await admin.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: arn }));
      return arn;
    },
    wrapper(uri, options = {}) {
      const { accessKeyId, secretAccessKey } = options.credentials ?? kms.credentials;
      const wrapper = createKeyWrapper(uri, {
        endpoint: kms.endpoint,
        credentials: { accessKeyId, secretAccessKey },
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      });
      wrappers.push(wrapper);
      return wrapper;
    },
    async close() {
      for (const wrapper of wrappers) wrapper.close();
      admin.destroy();
      await kms.close();
    },
  };
}

/** A provider-local key, to mix with AWS keys in one keyring. */
export async function localKey(): Promise<LocalRsaKeyWrapper> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return localKeyWrapper(privateKey);
}

/** The key id part of a key ARN. */
export function keyIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
