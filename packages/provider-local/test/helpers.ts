import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { EnvelopeError, type ErrorCode } from '@envelope-kit/core';

export interface RsaPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** An RSA pair made with Node directly, independent of the code under test. */
export function rsaPair(modulusLength = 2048): RsaPair {
  return generateKeyPairSync('rsa', { modulusLength });
}

/** A fresh directory removed after the test file. */
export function tempDirForFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'envelope-kit-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Awaits `action` and returns the EnvelopeError it failed with, asserting its code. */
export async function expectEnvelopeError(action: () => unknown, code: ErrorCode): Promise<EnvelopeError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an EnvelopeError ${code}`).toBeInstanceOf(EnvelopeError);
  const error = caught as EnvelopeError;
  expect(error.code, error.message).toBe(code);
  return error;
}

/** `KeyObject.export` as PEM text (Node types it as string | Buffer). */
export function pemOf(key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki' | 'sec1', passphrase?: string): string {
  const pem = passphrase === undefined
    ? key.export({ type, format: 'pem' })
    : key.export({ type, format: 'pem', cipher: 'aes-256-cbc', passphrase });
  return pem.toString();
}
