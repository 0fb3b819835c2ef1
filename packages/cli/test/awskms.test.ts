import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AwsKmsEmulator } from '@envelope-kit/testing/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from './run.js';

let kms: AwsKmsEmulator;
let dir: string;
let keyArn: string;
let env: Record<string, string>;
const plaintext = randomBytes(100_000);

beforeAll(async () => {
  kms = await AwsKmsEmulator.start();
  const config = kms.clientConfig('eu-west-1');
  const admin = new KMSClient(config);
  keyArn = (await admin.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  await admin.send(new CreateAliasCommand({ AliasName: 'alias/cli', TargetKeyId: keyArn }));
  admin.destroy();
  // What a user sets: the usual AWS variables, nothing Envelope Kit-specific.
  env = {
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    AWS_REGION: 'eu-west-1',
  };
  dir = mkdtempSync(join(tmpdir(), 'envelope-cli-aws-'));
  writeFileSync(join(dir, 'data.bin'), plaintext);
  expect((await envelope(dir, ['keygen', '--out', 'local.pem', '--bits', '2048'])).code).toBe(0);
});

afterAll(async () => {
  await kms?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('envelope with awskms:// keys against the KMS emulator', () => {
  it('encrypts under a KMS key and decrypts with it, through the AWS environment variables', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', `awskms:///${keyArn}`, '-c', 'app=cli', '-o', 'kms.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    const info = JSON.parse((await envelope(dir, ['inspect', '--json', 'kms.env'])).stdout.toString());
    expect(info.wrappedKeys.map((k: { providerId: string; keyId: string }) => [k.providerId, k.keyId])).toEqual([['awskms', keyArn]]);
    const dec = await envelope(dir, ['decrypt', '--key', 'awskms://alias/cli', '-o', 'kms.out', 'kms.env'], undefined, env);
    expect(dec.code, dec.stderr).toBe(0);
    expect(readFileSync(join(dir, 'kms.out')).equals(plaintext)).toBe(true);
    expect(kms.requestCount('Decrypt')).toBeGreaterThanOrEqual(1);
  });

  it('falls back to a local key when KMS is down, and reports KMS failures with their code', async () => {
    const enc = await envelope(dir, ['encrypt', '--key', `awskms:///${keyArn}`, '--key', 'local:local.pem', '-o', 'both.env', 'data.bin'], undefined, env);
    expect(enc.code, enc.stderr).toBe(0);
    await kms.goOffline();
    try {
      const dec = await envelope(dir, ['decrypt', '--key', `awskms:///${keyArn}`, '--key', 'local:local.pem', 'both.env'], undefined, env);
      expect(dec.code, dec.stderr).toBe(0);
      expect(dec.stdout.equals(plaintext)).toBe(true);
      const down = await envelope(dir, ['decrypt', '--key', `awskms:///${keyArn}`, '-o', 'down.out', 'both.env'], undefined, env);
      expect(down.code).toBe(1);
      expect(down.stderr).toContain('[PROVIDER_UNAVAILABLE]');
    } finally {
      await kms.goOnline();
    }
  });

  it('rewraps an envelope from a local key to KMS: KMS opens it, the removed local key does not', async () => {
    const keygen = await envelope(dir, ['keygen', '--out', 'leaving.pem', '--bits', '2048']);
    const localKeyId = /key id\s+(\S+)/.exec(keygen.stdout.toString())![1]!;
    expect((await envelope(dir, ['encrypt', '-k', 'local:leaving.pem', '-o', 'moving.env', 'data.bin'])).code).toBe(0);
    const bodyBefore = readFileSync(join(dir, 'moving.env')).subarray(-1000);
    const moved = await envelope(dir, ['rewrap', '--in', 'moving.env', '-k', 'local:leaving.pem', '--add', `awskms:///${keyArn}`, '--remove', localKeyId], undefined, env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout.toString()).toContain(`+awskms:${keyArn}`);
    expect(readFileSync(join(dir, 'moving.env')).subarray(-1000).equals(bodyBefore)).toBe(true);
    const viaKms = await envelope(dir, ['decrypt', '-k', `awskms:///${keyArn}`, 'moving.env'], undefined, env);
    expect(viaKms.code, viaKms.stderr).toBe(0);
    expect(viaKms.stdout.equals(plaintext)).toBe(true);
    const viaLocal = await envelope(dir, ['decrypt', '-k', 'local:leaving.pem', 'moving.env']);
    expect(viaLocal.stderr).toContain('[NO_MATCHING_KEY]');
  });

  it('refuses a request signed with the wrong secret', async () => {
    const result = await envelope(dir, ['decrypt', '--key', `awskms:///${keyArn}`, 'kms.env'], undefined, {
      ...env,
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PERMISSION_DENIED]');
  });
});
