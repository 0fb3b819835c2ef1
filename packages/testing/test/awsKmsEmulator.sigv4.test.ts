import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsKmsEmulator, type EmulatorCredentials } from '../src/index.js';
import { kmsClient, rejectionOf } from './awsKmsClient.js';

const ALICE: EmulatorCredentials = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret-0000000000000000000000000000' };
const DECRYPT_ONLY: EmulatorCredentials = {
  accessKeyId: 'AKIADECRYPTONLY00001',
  secretAccessKey: 'decrypt-only-secret-00000000000000000000',
  allow: ['Decrypt', 'DescribeKey'],
};
const TEMPORARY: EmulatorCredentials = {
  accessKeyId: 'ASIATEMPORARY0000001',
  secretAccessKey: 'temporary-secret-000000000000000000000000',
  sessionToken: 'session-token-for-tests',
};

interface RawResponse {
  readonly status: number;
  readonly type: string | undefined;
  readonly message: string | undefined;
}

interface RawRequestOptions {
  readonly credentials?: EmulatorCredentials;
  readonly body?: string;
  readonly target?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  /** Whether the signer adds x-amz-content-sha256 (the SDK does). */
  readonly payloadHashHeader?: boolean;
  /** Changes made after signing, as an attacker on the wire would. */
  readonly tamper?: { readonly body?: string; readonly headers?: Readonly<Record<string, string>> };
  readonly unsigned?: boolean;
}

/** A request signed by the SDK's own signer and sent by hand, so a test can alter it after signing. */
async function rawRequest(kms: AwsKmsEmulator, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(kms.endpoint);
  const body = options.body ?? '{}';
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': options.target ?? 'TrentService.CreateKey',
  };
  if (!options.unsigned) {
    const signer = new SignatureV4({
      service: options.service ?? 'kms',
      region: 'us-east-1',
      credentials: options.credentials ?? kms.credentials,
      sha256: Sha256,
      applyChecksum: options.payloadHashHeader ?? true,
    });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body },
      { signingDate: options.signingDate ?? new Date() },
    );
    headers = { ...signed.headers };
  }
  const sentBody = options.tamper?.body ?? body;
  headers = { ...headers, ...options.tamper?.headers, 'content-length': String(Buffer.byteLength(sentBody)) };
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${kms.endpoint}/`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const parsed = JSON.parse(text) as { __type?: string; message?: string };
        resolve({ status: res.statusCode ?? 0, type: parsed.__type, message: parsed.message });
      });
    });
    req.on('error', reject);
    req.end(sentBody);
  });
}

describe('AWS KMS emulator: SigV4 verification', () => {
  let kms: AwsKmsEmulator;

  beforeAll(async () => {
    kms = await AwsKmsEmulator.start({ credentials: [ALICE, DECRYPT_ONLY, TEMPORARY] });
  });
  afterAll(async () => {
    await kms.close();
  });

  it('accepts the SDK with the right secret', async () => {
    const client = kmsClient(kms);
    try {
      const created = await client.send(new CreateKeyCommand({}));
      expect(created.KeyMetadata?.KeyId).toBeTruthy();
    } finally {
      client.destroy();
    }
  });

  it('refuses a request signed with the wrong secret (InvalidSignatureException, 400)', async () => {
    const client = kmsClient(kms, { credentials: { ...ALICE, secretAccessKey: 'not-alice-secret-000000000000000000000000' } });
    try {
      expect(await rejectionOf(client.send(new CreateKeyCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    } finally {
      client.destroy();
    }
  });

  it('refuses an unknown access key (UnrecognizedClientException, 400)', async () => {
    const client = kmsClient(kms, { credentials: { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: ALICE.secretAccessKey } });
    try {
      expect(await rejectionOf(client.send(new CreateKeyCommand({})))).toMatchObject({ name: 'UnrecognizedClientException', status: 400 });
    } finally {
      client.destroy();
    }
  });

  it('requires the session token of temporary credentials', async () => {
    const withToken = kmsClient(kms, { credentials: TEMPORARY });
    const { sessionToken: _dropped, ...withoutTokenCredentials } = TEMPORARY;
    const withoutToken = kmsClient(kms, { credentials: withoutTokenCredentials });
    try {
      expect((await withToken.send(new CreateKeyCommand({}))).KeyMetadata).toBeDefined();
      expect(await rejectionOf(withoutToken.send(new CreateKeyCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      withToken.destroy();
      withoutToken.destroy();
    }
  });

  it('answers AccessDeniedException for an operation the access key is not allowed', async () => {
    const admin = kmsClient(kms);
    const limited = kmsClient(kms, { credentials: DECRYPT_ONLY });
    try {
      const { KeyMetadata } = await admin.send(new CreateKeyCommand({}));
      expect((await limited.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata?.Arn).toBe(KeyMetadata!.Arn);
      const denied = await rejectionOf(limited.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('x') })));
      expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
      expect(denied.message).toContain('kms:Encrypt');
    } finally {
      admin.destroy();
      limited.destroy();
    }
  });

  describe('requests altered after signing', () => {
    it('accepts an untouched hand-signed request (the baseline for the cases below)', async () => {
      expect(await rawRequest(kms)).toMatchObject({ status: 200 });
      expect(await rawRequest(kms, { payloadHashHeader: false })).toMatchObject({ status: 200 });
    });

    it('refuses a changed body, whether or not x-amz-content-sha256 was sent', async () => {
      const tamper = { body: '{"KeySpec":"RSA_4096"}' };
      expect(await rawRequest(kms, { tamper })).toMatchObject({ status: 400, type: 'InvalidSignatureException' });
      expect(await rawRequest(kms, { tamper, payloadHashHeader: false })).toMatchObject({ status: 400, type: 'InvalidSignatureException' });
    });

    it('refuses a body that matches a forged x-amz-content-sha256 but not the signature', async () => {
      const forgedBody = '{"Description":"forged"}';
      const forgedHash = createHash('sha256').update(forgedBody).digest('hex');
      expect(await rawRequest(kms, { tamper: { body: forgedBody, headers: { 'x-amz-content-sha256': forgedHash } } })).toMatchObject({
        type: 'InvalidSignatureException',
      });
    });

    it('refuses a changed signed header', async () => {
      expect(await rawRequest(kms, { tamper: { headers: { 'x-amz-target': 'TrentService.DescribeKey' } } })).toMatchObject({
        status: 400,
        type: 'InvalidSignatureException',
      });
    });

    it('refuses a request without a signature', async () => {
      expect(await rawRequest(kms, { unsigned: true })).toMatchObject({ status: 400, type: 'MissingAuthenticationTokenException' });
    });

    it('refuses a signature from more than 15 minutes ago', async () => {
      const response = await rawRequest(kms, { signingDate: new Date(Date.now() - 20 * 60 * 1000) });
      expect(response).toMatchObject({ status: 400, type: 'InvalidSignatureException' });
      expect(response.message).toContain('expired');
    });

    it('refuses a signature scoped to another service', async () => {
      expect(await rawRequest(kms, { service: 's3' })).toMatchObject({ status: 400, type: 'InvalidSignatureException' });
    });

    it('answers UnknownOperationException for an operation it does not implement', async () => {
      expect(await rawRequest(kms, { target: 'TrentService.ListKeys' })).toMatchObject({ status: 400, type: 'UnknownOperationException' });
    });
  });
});
