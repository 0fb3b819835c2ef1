import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsKmsEmulator } from '../src/index.js';
import { kmsClient, rejectionOf } from './awsKmsClient.js';

const utf8 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

describe('AWS KMS emulator: cryptographic operations through the SDK', () => {
  let kms: AwsKmsEmulator;
  let client: KMSClient;
  let symmetricArn: string;
  let otherSymmetricArn: string;
  let rsaArn: string;

  beforeAll(async () => {
    kms = await AwsKmsEmulator.start();
    client = kmsClient(kms);
    const [a, b, rsa] = await Promise.all([
      client.send(new CreateKeyCommand({})),
      client.send(new CreateKeyCommand({})),
      client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })),
    ]);
    symmetricArn = a.KeyMetadata!.Arn!;
    otherSymmetricArn = b.KeyMetadata!.Arn!;
    rsaArn = rsa.KeyMetadata!.Arn!;
    await client.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: symmetricArn }));
  });
  afterAll(async () => {
    client.destroy();
    await kms.close();
  });

  describe('symmetric keys', () => {
    it('decrypts without a KeyId: the ciphertext names its key', async () => {
      const encrypted = await client.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('hello') }));
      expect(encrypted).toMatchObject({ KeyId: symmetricArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });

      const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
      expect(utf8(decrypted.Plaintext)).toBe('hello');
      expect(decrypted.KeyId).toBe(symmetricArn);
    });

    it('randomizes ciphertexts', async () => {
      const plaintext = Buffer.from('same');
      const first = await client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: plaintext }));
      const second = await client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: plaintext }));
      expect(Buffer.from(first.CiphertextBlob!).equals(Buffer.from(second.CiphertextBlob!))).toBe(false);
    });

    it('binds the encryption context: same pairs in any order decrypt, any other context fails', async () => {
      const { CiphertextBlob } = await client.send(
        new EncryptCommand({ KeyId: symmetricArn, Plaintext: Buffer.from('bound'), EncryptionContext: { tenant: 'a', purpose: 'test' } }),
      );
      const decrypted = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'test', tenant: 'a' } }));
      expect(utf8(decrypted.Plaintext)).toBe('bound');

      for (const context of [{ tenant: 'b', purpose: 'test' }, { tenant: 'a' }, undefined, { tenant: 'a', purpose: 'test', extra: 'x' }]) {
        expect(await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }))), JSON.stringify(context)).toMatchObject({
          name: 'InvalidCiphertextException',
          status: 400,
        });
      }
    });

    it('refuses a ciphertext of another key when the KeyId is given (IncorrectKeyException)', async () => {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: Buffer.from('mine') }));
      expect(await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob, KeyId: otherSymmetricArn })))).toMatchObject({
        name: 'IncorrectKeyException',
        status: 400,
      });
      const byAlias = await client.send(new DecryptCommand({ CiphertextBlob, KeyId: 'alias/app' }));
      expect(utf8(byAlias.Plaintext)).toBe('mine');
    });

    it('refuses altered and foreign ciphertexts (InvalidCiphertextException)', async () => {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: Buffer.from('intact') }));
      const blob = Buffer.from(CiphertextBlob!);
      const flippedTag = Buffer.from(blob);
      flippedTag[flippedTag.length - 1]! ^= 1;
      const flippedVersion = Buffer.from(blob);
      flippedVersion[0]! ^= 1;
      for (const [name, altered] of [['tag', flippedTag], ['version', flippedVersion], ['noise', Buffer.from('not a kms ciphertext')]] as const) {
        expect(await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob: altered }))), name).toMatchObject({
          name: 'InvalidCiphertextException',
        });
      }
    });

    it('generates data keys by NumberOfBytes or KeySpec, never both', async () => {
      const byBytes = await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/app', NumberOfBytes: 48, EncryptionContext: { k: 'v' } }));
      expect(byBytes.Plaintext).toHaveLength(48);
      expect(byBytes.KeyId).toBe(symmetricArn);
      const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: byBytes.CiphertextBlob, EncryptionContext: { k: 'v' } }));
      expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(byBytes.Plaintext!));

      const bySpec = await client.send(new GenerateDataKeyCommand({ KeyId: symmetricArn, KeySpec: 'AES_128' }));
      expect(bySpec.Plaintext).toHaveLength(16);

      expect(await rejectionOf(client.send(new GenerateDataKeyCommand({ KeyId: symmetricArn, KeySpec: 'AES_256', NumberOfBytes: 32 })))).toMatchObject({
        name: 'ValidationException',
      });
      expect(await rejectionOf(client.send(new GenerateDataKeyCommand({ KeyId: symmetricArn, NumberOfBytes: 1025 })))).toMatchObject({
        name: 'ValidationException',
      });
      expect(await rejectionOf(client.send(new GenerateDataKeyCommand({ KeyId: rsaArn, NumberOfBytes: 32 })))).toMatchObject({
        name: 'InvalidKeyUsageException',
      });
    });

    it('re-encrypts under another key and context', async () => {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: Buffer.from('moving'), EncryptionContext: { v: '1' } }));
      const moved = await client.send(
        new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { v: '1' }, DestinationKeyId: otherSymmetricArn, DestinationEncryptionContext: { v: '2' } }),
      );
      expect(moved).toMatchObject({ SourceKeyId: symmetricArn, KeyId: otherSymmetricArn });
      const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { v: '2' } }));
      expect(utf8(decrypted.Plaintext)).toBe('moving');
      expect(decrypted.KeyId).toBe(otherSymmetricArn);
    });

    it('validates blob sizes like KMS', async () => {
      expect(await rejectionOf(client.send(new EncryptCommand({ KeyId: symmetricArn, Plaintext: Buffer.alloc(4097) })))).toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  describe('RSA keys (RSAES_OAEP_SHA_256)', () => {
    it('encrypts and decrypts with the EncryptionAlgorithm', async () => {
      const encrypted = await client.send(new EncryptCommand({ KeyId: rsaArn, Plaintext: Buffer.from('rsa'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      expect(encrypted.CiphertextBlob).toHaveLength(256);
      const decrypted = await client.send(
        new DecryptCommand({ KeyId: rsaArn, CiphertextBlob: encrypted.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      );
      expect(utf8(decrypted.Plaintext)).toBe('rsa');
      expect(decrypted.EncryptionAlgorithm).toBe('RSAES_OAEP_SHA_256');
    });

    it('decrypts what was encrypted locally with the public key from GetPublicKey', async () => {
      const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: rsaArn }));
      const key = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
      const ciphertext = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('offline'));
      const decrypted = await client.send(new DecryptCommand({ KeyId: rsaArn, CiphertextBlob: ciphertext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      expect(utf8(decrypted.Plaintext)).toBe('offline');
    });

    it('needs the KeyId and an RSA algorithm to decrypt, and takes no encryption context', async () => {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: rsaArn, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      expect(await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })))).toMatchObject({
        name: 'InvalidCiphertextException',
      });
      expect(await rejectionOf(client.send(new DecryptCommand({ KeyId: rsaArn, CiphertextBlob })))).toMatchObject({ name: 'InvalidKeyUsageException' });
      expect(
        await rejectionOf(client.send(new DecryptCommand({ KeyId: rsaArn, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }))),
        'OAEP with the wrong hash',
      ).toMatchObject({ name: 'InvalidCiphertextException' });
      expect(
        await rejectionOf(client.send(new EncryptCommand({ KeyId: rsaArn, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', EncryptionContext: { a: 'b' } }))),
      ).toMatchObject({ name: 'ValidationException' });
    });

    it('refuses a symmetric algorithm for an RSA key, and a plaintext over the OAEP limit', async () => {
      expect(await rejectionOf(client.send(new EncryptCommand({ KeyId: rsaArn, Plaintext: Buffer.from('x') })))).toMatchObject({
        name: 'InvalidKeyUsageException',
      });
      // RSA-2048 with OAEP-SHA-256 takes at most 256 - 2*32 - 2 = 190 bytes.
      expect(
        await rejectionOf(client.send(new EncryptCommand({ KeyId: rsaArn, Plaintext: Buffer.alloc(191), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))),
      ).toMatchObject({ name: 'ValidationException' });
    });

    it('refuses to encrypt with a signing key', async () => {
      const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
      expect(
        await rejectionOf(client.send(new EncryptCommand({ KeyId: KeyMetadata!.Arn, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))),
      ).toMatchObject({ name: 'InvalidKeyUsageException' });
    });
  });
});
