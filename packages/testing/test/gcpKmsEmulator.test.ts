import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { crc32c } from '@aws-crypto/crc32c';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcpKmsEmulator, type EmulatedAlgorithm } from '../src/gcp-kms/index.js';

const LOCATION = 'projects/emulated-project/locations/global';

describe('GcpKmsEmulator through the official @google-cloud/kms client', () => {
  let kms: GcpKmsEmulator;
  let client: KeyManagementServiceClient;
  let ring: string;
  /** The emulator's token on every call, and no client-side retries so statuses surface at once. */
  const call = () => ({ ...kms.callOptions(), retry: null });

  const createKey = async (id: string, algorithm: EmulatedAlgorithm = 'GOOGLE_SYMMETRIC_ENCRYPTION') => {
    const purpose = algorithm === 'GOOGLE_SYMMETRIC_ENCRYPTION' ? 'ENCRYPT_DECRYPT' : 'ASYMMETRIC_DECRYPT';
    const [key] = await client.createCryptoKey({ parent: ring, cryptoKeyId: id, cryptoKey: { purpose, versionTemplate: { algorithm } } }, call());
    return key;
  };

  beforeAll(async () => {
    kms = await GcpKmsEmulator.start();
    client = new KeyManagementServiceClient(kms.clientOptions());
    const [keyRing] = await client.createKeyRing({ parent: LOCATION, keyRingId: 'emulator-tests' }, call());
    ring = keyRing.name!;
  });

  afterAll(async () => {
    await client.close();
    await kms.close();
  });

  describe('key rings, keys and versions', () => {
    it('creates a symmetric key whose first version is primary and enabled', async () => {
      const key = await createKey('symmetric-a');
      expect(key.name).toBe(`${ring}/cryptoKeys/symmetric-a`);
      expect(key.purpose).toBe('ENCRYPT_DECRYPT');
      expect(key.primary).toMatchObject({ name: `${key.name}/cryptoKeyVersions/1`, state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' });

      const [fetched] = await client.getCryptoKey({ name: key.name! }, call());
      expect(fetched.primary?.name).toBe(`${key.name}/cryptoKeyVersions/1`);
      expect(fetched.versionTemplate?.algorithm).toBe('GOOGLE_SYMMETRIC_ENCRYPTION');
    });

    it('answers ALREADY_EXISTS, NOT_FOUND and INVALID_ARGUMENT as the service does', async () => {
      await expectStatus(client.createKeyRing({ parent: LOCATION, keyRingId: 'emulator-tests' }, call()), status.ALREADY_EXISTS);
      await expectStatus(
        client.createCryptoKey({ parent: `${LOCATION}/keyRings/missing`, cryptoKeyId: 'k', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }, call()),
        status.NOT_FOUND,
      );
      await expectStatus(client.getCryptoKey({ name: `${ring}/cryptoKeys/missing` }, call()), status.NOT_FOUND);
      await expectStatus(client.getCryptoKey({ name: 'keyRings/nope' }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.createCryptoKey({ parent: ring, cryptoKeyId: 'no purpose', cryptoKey: {} }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.createCryptoKey({ parent: ring, cryptoKeyId: 'signer', cryptoKey: { purpose: 'ASYMMETRIC_SIGN' } }, call()), status.UNIMPLEMENTED);
    });

    it('rotates, disables and destroys versions', async () => {
      const key = await createKey('lifecycle');
      const [second] = await client.createCryptoKeyVersion({ parent: key.name!, cryptoKeyVersion: {} }, call());
      expect(second.name).toBe(`${key.name}/cryptoKeyVersions/2`);
      const [rotated] = await client.updateCryptoKeyPrimaryVersion({ name: key.name!, cryptoKeyVersionId: '2' }, call());
      expect(rotated.primary?.name).toBe(second.name);

      const [disabled] = await client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: second.name!, state: 'DISABLED' }, updateMask: { paths: ['state'] } }, call());
      expect(disabled.state).toBe('DISABLED');
      await expectStatus(client.updateCryptoKeyPrimaryVersion({ name: key.name!, cryptoKeyVersionId: '2' }, call()), status.FAILED_PRECONDITION);

      const [destroyed] = await client.destroyCryptoKeyVersion({ name: second.name! }, call());
      expect(destroyed.state).toBe('DESTROYED');
      await expectStatus(
        client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: second.name!, state: 'ENABLED' }, updateMask: { paths: ['state'] } }, call()),
        status.FAILED_PRECONDITION,
      );
    });
  });

  describe('symmetric Encrypt and Decrypt', () => {
    it('round-trips under AAD, verifying and returning CRC32C checksums, and names the version used', async () => {
      const key = await createKey('symmetric-crypto');
      const plaintext = randomBytes(32);
      const aad = Buffer.from('bound context');
      const [encrypted] = await client.encrypt(
        { name: key.name!, plaintext, additionalAuthenticatedData: aad, plaintextCrc32c: { value: crc32c(plaintext) }, additionalAuthenticatedDataCrc32c: { value: crc32c(aad) } },
        call(),
      );
      const ciphertext = Buffer.from(encrypted.ciphertext!);
      expect(encrypted.name).toBe(`${key.name}/cryptoKeyVersions/1`);
      expect(encrypted.verifiedPlaintextCrc32c).toBe(true);
      expect(encrypted.verifiedAdditionalAuthenticatedDataCrc32c).toBe(true);
      expect(Number(encrypted.ciphertextCrc32c?.value)).toBe(crc32c(ciphertext));
      expect(ciphertext.includes(plaintext)).toBe(false);

      const [decrypted] = await client.decrypt(
        { name: key.name!, ciphertext, additionalAuthenticatedData: aad, ciphertextCrc32c: { value: crc32c(ciphertext) } },
        call(),
      );
      expect(Buffer.from(decrypted.plaintext!)).toEqual(plaintext);
      expect(Number(decrypted.plaintextCrc32c?.value)).toBe(crc32c(plaintext));
      expect(decrypted.usedPrimary).toBe(true);
    });

    it('says when it had no checksum to verify, and refuses a request whose checksum does not match', async () => {
      const key = await createKey('checksums');
      const [unchecked] = await client.encrypt({ name: key.name!, plaintext: Buffer.from('x') }, call());
      expect(unchecked.verifiedPlaintextCrc32c).toBe(false);
      expect(unchecked.verifiedAdditionalAuthenticatedDataCrc32c).toBe(false);

      const plaintext = Buffer.from('corrupted on the way');
      const error = await expectStatus(
        client.encrypt({ name: key.name!, plaintext, plaintextCrc32c: { value: (crc32c(plaintext) + 1) >>> 0 } }, call()),
        status.INVALID_ARGUMENT,
      );
      expect(error.details).toMatch(/plaintext_crc32c/);
      await expectStatus(
        client.decrypt({ name: key.name!, ciphertext: unchecked.ciphertext!, ciphertextCrc32c: { value: 1 } }, call()),
        status.INVALID_ARGUMENT,
      );
    });

    it('refuses another AAD, altered bytes and a ciphertext of another key with INVALID_ARGUMENT', async () => {
      const keyA = await createKey('binding-a');
      const keyB = await createKey('binding-b');
      const [encrypted] = await client.encrypt({ name: keyA.name!, plaintext: randomBytes(32), additionalAuthenticatedData: Buffer.from('a') }, call());
      const ciphertext = Buffer.from(encrypted.ciphertext!);
      const altered = Buffer.from(ciphertext);
      altered[altered.length - 1]! ^= 1;

      await expectStatus(client.decrypt({ name: keyA.name!, ciphertext, additionalAuthenticatedData: Buffer.from('b') }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.decrypt({ name: keyA.name!, ciphertext }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.decrypt({ name: keyA.name!, ciphertext: altered, additionalAuthenticatedData: Buffer.from('a') }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.decrypt({ name: keyB.name!, ciphertext, additionalAuthenticatedData: Buffer.from('a') }, call()), status.INVALID_ARGUMENT);
    });

    it('decrypts ciphertexts of older versions after rotation, and encrypts with a named version', async () => {
      const key = await createKey('rotation');
      const [old] = await client.encrypt({ name: key.name!, plaintext: Buffer.from('before') }, call());
      await client.createCryptoKeyVersion({ parent: key.name!, cryptoKeyVersion: {} }, call());
      await client.updateCryptoKeyPrimaryVersion({ name: key.name!, cryptoKeyVersionId: '2' }, call());

      const [fresh] = await client.encrypt({ name: key.name!, plaintext: Buffer.from('after') }, call());
      expect(fresh.name).toBe(`${key.name}/cryptoKeyVersions/2`);
      const [pinned] = await client.encrypt({ name: `${key.name}/cryptoKeyVersions/1`, plaintext: Buffer.from('pinned') }, call());
      expect(pinned.name).toBe(`${key.name}/cryptoKeyVersions/1`);

      const [decrypted] = await client.decrypt({ name: key.name!, ciphertext: old.ciphertext! }, call());
      expect(Buffer.from(decrypted.plaintext!).toString()).toBe('before');
      expect(decrypted.usedPrimary).toBe(false);
    });

    it('refuses disabled and destroyed versions with FAILED_PRECONDITION', async () => {
      const key = await createKey('states');
      const version = `${key.name}/cryptoKeyVersions/1`;
      const [encrypted] = await client.encrypt({ name: key.name!, plaintext: Buffer.from('x') }, call());
      await client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: version, state: 'DISABLED' }, updateMask: { paths: ['state'] } }, call());

      const error = await expectStatus(client.encrypt({ name: key.name!, plaintext: Buffer.from('x') }, call()), status.FAILED_PRECONDITION);
      expect(error.details).toContain(`${version} is not enabled, current state is: DISABLED`);
      await expectStatus(client.decrypt({ name: key.name!, ciphertext: encrypted.ciphertext! }, call()), status.FAILED_PRECONDITION);

      await client.destroyCryptoKeyVersion({ name: version }, call());
      await expectStatus(client.decrypt({ name: key.name!, ciphertext: encrypted.ciphertext! }, call()), status.FAILED_PRECONDITION);
    });
  });

  describe('asymmetric decryption keys', () => {
    it('serves the public key as PEM with its CRC32C, and decrypts RSA-OAEP-SHA-256 ciphertexts', async () => {
      const key = await createKey('rsa', 'RSA_DECRYPT_OAEP_2048_SHA256');
      expect(key.primary).toBeNull();
      const version = `${key.name}/cryptoKeyVersions/1`;
      const [publicKey] = await client.getPublicKey({ name: version }, call());
      expect(publicKey.name).toBe(version);
      expect(publicKey.algorithm).toBe('RSA_DECRYPT_OAEP_2048_SHA256');
      expect(Number(publicKey.pemCrc32c?.value)).toBe(crc32c(Buffer.from(publicKey.pem!)));
      expect(createPublicKey(publicKey.pem!).asymmetricKeyDetails?.modulusLength).toBe(2048);

      const plaintext = randomBytes(32);
      const ciphertext = publicEncrypt({ key: publicKey.pem!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext);
      const [decrypted] = await client.asymmetricDecrypt({ name: version, ciphertext, ciphertextCrc32c: { value: crc32c(ciphertext) } }, call());
      expect(Buffer.from(decrypted.plaintext!)).toEqual(plaintext);
      expect(decrypted.verifiedCiphertextCrc32c).toBe(true);
      expect(Number(decrypted.plaintextCrc32c?.value)).toBe(crc32c(plaintext));

      // An OAEP label (or SHA-1) is not what the key's algorithm decrypts.
      const labelled = publicEncrypt({ key: publicKey.pem!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from('label') }, plaintext);
      await expectStatus(client.asymmetricDecrypt({ name: version, ciphertext: labelled }, call()), status.INVALID_ARGUMENT);
    });

    it('keeps each method to its purpose', async () => {
      const rsa = await createKey('rsa-purpose', 'RSA_DECRYPT_OAEP_2048_SHA256');
      const symmetric = await createKey('symmetric-purpose');
      await expectStatus(client.encrypt({ name: rsa.name!, plaintext: Buffer.from('x') }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.encrypt({ name: `${rsa.name}/cryptoKeyVersions/1`, plaintext: Buffer.from('x') }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.getPublicKey({ name: `${symmetric.name}/cryptoKeyVersions/1` }, call()), status.INVALID_ARGUMENT);
      await expectStatus(client.asymmetricDecrypt({ name: `${symmetric.name}/cryptoKeyVersions/1`, ciphertext: randomBytes(256) }, call()), status.INVALID_ARGUMENT);
    });
  });

  describe('authentication', () => {
    it('answers UNAUTHENTICATED without a token or with an unknown one', async () => {
      const missing = await expectStatus(client.getCryptoKey({ name: `${ring}/cryptoKeys/symmetric-a` }, { retry: null }), status.UNAUTHENTICATED);
      expect(missing.details).toMatch(/missing required authentication credential/);
      await expectStatus(client.getCryptoKey({ name: `${ring}/cryptoKeys/symmetric-a` }, { ...kms.callOptions('not-the-token'), retry: null }), status.UNAUTHENTICATED);
    });

    it('answers PERMISSION_DENIED, naming the IAM permission, for a token not allowed the method', async () => {
      const limited = await GcpKmsEmulator.start({ tokens: ['admin', { token: 'decrypt-only', allow: ['Decrypt'] }] });
      const limitedClient = new KeyManagementServiceClient(limited.clientOptions());
      try {
        const [keyRing] = await limitedClient.createKeyRing({ parent: LOCATION, keyRingId: 'r' }, limited.callOptions('admin'));
        const name = `${keyRing.name}/cryptoKeys/k`;
        await limitedClient.createCryptoKey({ parent: keyRing.name!, cryptoKeyId: 'k', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }, limited.callOptions('admin'));
        const [encrypted] = await limitedClient.encrypt({ name, plaintext: Buffer.from('x') }, limited.callOptions('admin'));

        const denied = await expectStatus(limitedClient.encrypt({ name, plaintext: Buffer.from('x') }, { ...limited.callOptions('decrypt-only'), retry: null }), status.PERMISSION_DENIED);
        expect(denied.details).toBe(`Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '${name}' (or it may not exist).`);
        const [decrypted] = await limitedClient.decrypt({ name, ciphertext: encrypted.ciphertext! }, limited.callOptions('decrypt-only'));
        expect(Buffer.from(decrypted.plaintext!).toString()).toBe('x');
      } finally {
        await limitedClient.close();
        await limited.close();
      }
    });
  });
});

/** Awaits a call that must fail with gRPC status `code`; returns the client's error. */
async function expectStatus(promise: Promise<unknown>, code: number): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (error) {
    const { code: actual, details } = error as { code?: unknown; details?: unknown };
    expect(actual, String(error)).toBe(code);
    return { code, details: typeof details === 'string' ? details : '' };
  }
  return expect.fail(`expected gRPC status ${code}, but the call succeeded`);
}
