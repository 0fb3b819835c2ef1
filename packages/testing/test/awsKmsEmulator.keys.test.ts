import { createPublicKey } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  DecryptCommand,
  GetPublicKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsKmsEmulator } from '../src/index.js';
import { kmsClient, rejectionOf } from './awsKmsClient.js';

describe('AWS KMS emulator: keys, aliases and key state through the SDK', () => {
  let kms: AwsKmsEmulator;
  let client: KMSClient;

  beforeAll(async () => {
    kms = await AwsKmsEmulator.start();
    client = kmsClient(kms);
  });
  afterAll(async () => {
    client.destroy();
    await kms.close();
  });

  it('creates a symmetric key and describes it like KMS', async () => {
    const created = await client.send(new CreateKeyCommand({ Description: 'orders' }));
    const metadata = created.KeyMetadata!;
    expect(metadata.Arn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${metadata.KeyId}`);
    expect(metadata).toMatchObject({
      AWSAccountId: '111122223333',
      Description: 'orders',
      Enabled: true,
      KeyState: 'Enabled',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    });
    // JSON 1.1 timestamps arrive as epoch seconds; the SDK turns them into Dates.
    expect(metadata.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs(metadata.CreationDate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('resolves a key by id, key ARN, alias name and alias ARN', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const { KeyId, Arn } = KeyMetadata!;
    await client.send(new CreateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: KeyId }));
    const aliasArn = 'arn:aws:kms:us-east-1:111122223333:alias/payments';

    for (const identifier of [KeyId!, Arn!, 'alias/payments', aliasArn]) {
      const described = await client.send(new DescribeKeyCommand({ KeyId: identifier }));
      expect(described.KeyMetadata?.Arn, identifier).toBe(Arn);
    }
    const encrypted = await client.send(new EncryptCommand({ KeyId: 'alias/payments', Plaintext: Buffer.from('x') }));
    expect(encrypted.KeyId, 'Encrypt reports the key ARN, not the alias').toBe(Arn);
  });

  it('refuses duplicate, reserved and alias-to-alias aliases, and unknown keys', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/once', TargetKeyId: KeyMetadata!.KeyId }));

    expect(await rejectionOf(client.send(new CreateAliasCommand({ AliasName: 'alias/once', TargetKeyId: KeyMetadata!.KeyId })))).toMatchObject({
      name: 'AlreadyExistsException',
    });
    expect(await rejectionOf(client.send(new CreateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: KeyMetadata!.KeyId })))).toMatchObject({
      name: 'InvalidAliasNameException',
    });
    expect(await rejectionOf(client.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: 'alias/once' })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await rejectionOf(client.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })))).toMatchObject({
      name: 'NotFoundException',
      status: 400,
    });
    expect(await rejectionOf(client.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })))).toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('keeps keys in the region they were created in', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const elsewhere = kmsClient(kms, { region: 'eu-west-1' });
    try {
      for (const identifier of [KeyMetadata!.KeyId!, KeyMetadata!.Arn!]) {
        expect(await rejectionOf(elsewhere.send(new DescribeKeyCommand({ KeyId: identifier }))), identifier).toMatchObject({
          name: 'NotFoundException',
        });
      }
      const local = await elsewhere.send(new CreateKeyCommand({}));
      expect(local.KeyMetadata?.Arn).toMatch(/^arn:aws:kms:eu-west-1:111122223333:key\//);
    } finally {
      elsewhere.destroy();
    }
  });

  it('returns the DER SPKI public key of an RSA key, and none for a symmetric key', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }));
    expect(KeyMetadata?.EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);

    const response = await client.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.Arn }));
    expect(response).toMatchObject({ KeyId: KeyMetadata!.Arn, KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const publicKey = createPublicKey({ key: Buffer.from(response.PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const symmetric = await client.send(new CreateKeyCommand({}));
    expect(await rejectionOf(client.send(new GetPublicKeyCommand({ KeyId: symmetric.KeyMetadata!.KeyId })))).toMatchObject({
      name: 'UnsupportedOperationException',
    });
  });

  it('refuses key specs and usages it does not emulate', async () => {
    expect(await rejectionOf(client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256' })))).toMatchObject({ name: 'ValidationException' });
    expect(await rejectionOf(client.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY' })))).toMatchObject({ name: 'ValidationException' });
  });

  it('disables and re-enables a key: a disabled key describes but does not encrypt or decrypt', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before') }));

    await client.send(new DisableKeyCommand({ KeyId: keyId }));
    const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
    expect(await rejectionOf(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })))).toMatchObject({
      name: 'DisabledException',
      status: 400,
    });
    // Without a KeyId the key comes from the ciphertext, and it is still disabled.
    expect(await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob })))).toMatchObject({ name: 'DisabledException' });

    await client.send(new EnableKeyCommand({ KeyId: KeyMetadata!.Arn }));
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('before');
  });

  it('takes only a key id or key ARN for DisableKey, as KMS does', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/not-for-disable', TargetKeyId: KeyMetadata!.KeyId }));
    expect(await rejectionOf(client.send(new DisableKeyCommand({ KeyId: 'alias/not-for-disable' })))).toMatchObject({
      name: 'NotFoundException',
    });
  });
});
