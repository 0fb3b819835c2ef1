import { constants, publicEncrypt } from 'node:crypto';
import { crc32c } from '@aws-crypto/crc32c';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GcpKmsEmulator } from '../src/gcp-kms/index.js';

const LOCATION = 'projects/emulated-project/locations/europe-west1';

describe('GcpKmsEmulator faults, request counts and outages', () => {
  let kms: GcpKmsEmulator;
  let client: KeyManagementServiceClient;
  let key: string;
  let rsaVersion: string;
  /** The emulator's token, and no client-side retries unless a test is about them. */
  const call = () => ({ ...kms.callOptions(), retry: null });
  const encrypt = (plaintext = Buffer.from('data')) => client.encrypt({ name: key, plaintext }, call());

  beforeAll(async () => {
    kms = await GcpKmsEmulator.start();
    client = new KeyManagementServiceClient(kms.clientOptions());
    const [ring] = await client.createKeyRing({ parent: LOCATION, keyRingId: 'faults' }, call());
    const [symmetric] = await client.createCryptoKey({ parent: ring.name!, cryptoKeyId: 'k', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }, call());
    key = symmetric.name!;
    const [rsa] = await client.createCryptoKey(
      { parent: ring.name!, cryptoKeyId: 'rsa', cryptoKey: { purpose: 'ASYMMETRIC_DECRYPT', versionTemplate: { algorithm: 'RSA_DECRYPT_OAEP_2048_SHA256' } } },
      call(),
    );
    rsaVersion = `${rsa.name}/cryptoKeyVersions/1`;
    kms.resetRequestCounts();
  });

  afterEach(async () => {
    kms.clearFaults();
    kms.resetRequestCounts();
    await kms.goOnline();
  });

  afterAll(async () => {
    await client.close();
    await kms.close();
  });

  describe('injected statuses', () => {
    it('fails the next N calls of one method with the chosen status, then answers normally', async () => {
      kms.failNext(2, { operation: 'Encrypt', status: 'PERMISSION_DENIED', message: 'no' });
      await client.getCryptoKey({ name: key }, call());
      await expectStatus(encrypt(), status.PERMISSION_DENIED, 'no');
      await expectStatus(encrypt(), status.PERMISSION_DENIED);
      await encrypt();
      expect(kms.requestCounts()).toEqual({ GetCryptoKey: 1, Encrypt: 3 });
    });

    it('fails with UNAVAILABLE by default, which the client itself retries', async () => {
      kms.failNext(2, { operation: 'Encrypt' });
      // The client's default retry settings for Encrypt: UNAVAILABLE and DEADLINE_EXCEEDED, 100 ms backoff.
      const [response] = await client.encrypt({ name: key, plaintext: Buffer.from('x') }, kms.callOptions());
      expect(response.name).toBe(`${key}/cryptoKeyVersions/1`);
      expect(kms.requestCount('Encrypt')).toBe(3);
    });

    it('throttles with RESOURCE_EXHAUSTED, and fails until cleared with Infinity', async () => {
      kms.throttleNext(1);
      await expectStatus(encrypt(), status.RESOURCE_EXHAUSTED, 'Quota exceeded');
      kms.failNext(Infinity, { operation: 'Decrypt', status: 'INTERNAL' });
      const [encrypted] = await encrypt();
      for (let i = 0; i < 3; i++) await expectStatus(client.decrypt({ name: key, ciphertext: encrypted.ciphertext! }, call()), status.INTERNAL);
      kms.clearFaults();
      await client.decrypt({ name: key, ciphertext: encrypted.ciphertext! }, call());
    });

    it('delays calls, so a client deadline ends them with DEADLINE_EXCEEDED', async () => {
      kms.setLatency(1_000, { operation: 'Encrypt' });
      const started = performance.now();
      await expectStatus(client.encrypt({ name: key, plaintext: Buffer.from('x') }, { ...call(), timeout: 100 }), status.DEADLINE_EXCEEDED);
      expect(performance.now() - started).toBeLessThan(800);
      await client.getCryptoKey({ name: key }, call());
      expect(performance.now() - started).toBeLessThan(800);
    });

    it('validates its fault options', () => {
      expect(() => kms.failNext(0)).toThrow(RangeError);
      expect(() => kms.failNext(1.5)).toThrow(RangeError);
      expect(() => kms.setLatency(-1)).toThrow(RangeError);
    });
  });

  describe('corrupted responses', () => {
    it('corrupts the Encrypt response checksum, ciphertext, verified flags or key name', async () => {
      kms.corruptNext(1, { operation: 'Encrypt' });
      const [badChecksum] = await encrypt();
      expect(Number(badChecksum.ciphertextCrc32c?.value)).not.toBe(crc32c(bytes(badChecksum.ciphertext)));

      kms.corruptNext(1, { operation: 'Encrypt', kind: 'data' });
      const [badData] = await encrypt();
      expect(Number(badData.ciphertextCrc32c?.value)).not.toBe(crc32c(bytes(badData.ciphertext)));
      await expectStatus(client.decrypt({ name: key, ciphertext: badData.ciphertext! }, call()), status.INVALID_ARGUMENT);

      const plaintext = Buffer.from('checked');
      kms.corruptNext(1, { kind: 'unverified' });
      const [unverified] = await client.encrypt({ name: key, plaintext, plaintextCrc32c: { value: crc32c(plaintext) } }, call());
      expect(unverified.verifiedPlaintextCrc32c).toBe(false);

      kms.corruptNext(1, { kind: 'name' });
      const [renamed] = await encrypt();
      expect(renamed.name).not.toMatch(new RegExp(`^${key}/`));

      const [clean] = await encrypt();
      expect(Number(clean.ciphertextCrc32c?.value)).toBe(crc32c(bytes(clean.ciphertext)));
      expect(clean.name).toBe(`${key}/cryptoKeyVersions/1`);
    });

    it('corrupts Decrypt and AsymmetricDecrypt plaintexts and checksums, and public keys', async () => {
      const [encrypted] = await encrypt(Buffer.from('secret'));
      kms.corruptNext(1, { operation: 'Decrypt', kind: 'data' });
      const [decrypted] = await client.decrypt({ name: key, ciphertext: encrypted.ciphertext! }, call());
      expect(Buffer.from(decrypted.plaintext!).toString()).not.toBe('secret');
      expect(Number(decrypted.plaintextCrc32c?.value)).toBe(crc32c(Buffer.from('secret')));

      kms.corruptNext(1, { operation: 'GetPublicKey' });
      const [badPem] = await client.getPublicKey({ name: rsaVersion }, call());
      expect(Number(badPem.pemCrc32c?.value)).not.toBe(crc32c(bytes(badPem.pem)));
      kms.corruptNext(1, { operation: 'GetPublicKey', kind: 'data' });
      const [alteredPem] = await client.getPublicKey({ name: rsaVersion }, call());
      expect(Number(alteredPem.pemCrc32c?.value)).not.toBe(crc32c(bytes(alteredPem.pem)));

      const [publicKey] = await client.getPublicKey({ name: rsaVersion }, call());
      const ciphertext = publicEncrypt({ key: publicKey.pem!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('k'));
      kms.corruptNext(1, { operation: 'AsymmetricDecrypt', kind: 'unverified' });
      const [unverified] = await client.asymmetricDecrypt({ name: rsaVersion, ciphertext, ciphertextCrc32c: { value: crc32c(ciphertext) } }, call());
      expect(unverified.verifiedCiphertextCrc32c).toBe(false);
    });

    it('spends a corruption only on a call that succeeds', async () => {
      kms.failNext(1, { operation: 'Encrypt', status: 'UNAVAILABLE' });
      kms.corruptNext(1, { operation: 'Encrypt' });
      await expectStatus(encrypt(), status.UNAVAILABLE);
      const [corrupted] = await encrypt();
      expect(Number(corrupted.ciphertextCrc32c?.value)).not.toBe(crc32c(bytes(corrupted.ciphertext)));
    });
  });

  describe('outages and counts', () => {
    it('refuses connections while offline, keeps its keys, and answers again on the same port', async () => {
      const [encrypted] = await encrypt(Buffer.from('survives'));
      const port = kms.port;
      await kms.goOffline();
      expect(kms.online).toBe(false);
      await expectStatus(client.decrypt({ name: key, ciphertext: encrypted.ciphertext! }, call()), status.UNAVAILABLE);

      await kms.goOnline();
      expect(kms.port).toBe(port);
      // The client's own retry of UNAVAILABLE rides out its reconnect backoff.
      const [decrypted] = await client.decrypt({ name: key, ciphertext: encrypted.ciphertext! }, kms.callOptions());
      expect(Buffer.from(decrypted.plaintext!).toString()).toBe('survives');
    });

    it('counts calls per method, refused ones included, until reset', async () => {
      await expectStatus(client.getCryptoKey({ name: key }, { retry: null }), status.UNAUTHENTICATED);
      await client.getCryptoKey({ name: key }, call());
      await encrypt();
      expect(kms.requestCount('GetCryptoKey')).toBe(2);
      expect(kms.requestCount()).toBe(3);
      expect(kms.requestCounts()).toEqual({ GetCryptoKey: 2, Encrypt: 1 });
      kms.resetRequestCounts();
      expect(kms.requestCount()).toBe(0);
    });
  });
});

/** A bytes field of a response; the client decodes bytes as Buffer, and strings here are PEM text. */
function bytes(value: Uint8Array | string | null | undefined): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value ?? new Uint8Array());
}

/** Awaits a call that must fail with gRPC status `code` (and details containing `detail`, if given). */
async function expectStatus(promise: Promise<unknown>, code: number, detail?: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const { code: actual, details } = error as { code?: unknown; details?: unknown };
    expect(actual, String(error)).toBe(code);
    if (detail !== undefined) expect(String(details)).toContain(detail);
    return;
  }
  expect.fail(`expected gRPC status ${code}, but the call succeeded`);
}
