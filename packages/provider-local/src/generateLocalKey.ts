import { createPublicKey, generateKeyPair } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';
import { publicKeyFingerprint } from './fingerprint.js';
import { LOCAL_OAEP_PARAMETERS } from './oaep.js';

const generateRsaKeyPair = promisify(generateKeyPair);

// OpenSSL generates at most 16384-bit RSA keys; the envelope allows 8192-byte wrapped keys.
const MAX_MODULUS_BITS = 16384;
const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

export interface GenerateLocalKeyOptions {
  /** Where to write the private key (PKCS#8 PEM, mode 0600). Never overwritten. */
  readonly privateKeyPath: string;
  /** Where to write the public key (SPKI PEM, mode 0644). Default: `key.pem` -> `key.pub.pem`. */
  readonly publicKeyPath?: string;
  /** RSA modulus size in bits, at least 2048. Default 3072. */
  readonly modulusLength?: number;
}

export interface GeneratedLocalKey {
  readonly keyId: string;
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
}

/**
 * Generates an RSA key pair (public exponent 65537) and writes both halves.
 * Refuses to replace either file, so a key that data is sealed under is never lost.
 */
export async function generateLocalKey(options: GenerateLocalKeyOptions): Promise<GeneratedLocalKey> {
  const modulusLength = options.modulusLength ?? LOCAL_OAEP_PARAMETERS.defaultModulusBits;
  if (!Number.isInteger(modulusLength) || modulusLength < LOCAL_OAEP_PARAMETERS.minModulusBits || modulusLength > MAX_MODULUS_BITS) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `modulusLength must be an integer from ${LOCAL_OAEP_PARAMETERS.minModulusBits} to ${MAX_MODULUS_BITS} bits, got ${modulusLength}`,
    );
  }
  if (typeof options.privateKeyPath !== 'string' || options.privateKeyPath === '') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'privateKeyPath must be a non-empty path');
  }
  const privateKeyPath = resolve(options.privateKeyPath);
  const publicKeyPath = resolve(options.publicKeyPath ?? defaultPublicKeyPath(privateKeyPath));
  if (publicKeyPath === privateKeyPath) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'publicKeyPath must differ from privateKeyPath');
  }

  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  // Claim both files before writing either, so a clash leaves nothing half-made.
  const privateFile = await createExclusive(privateKeyPath, PRIVATE_MODE);
  let publicFile: FileHandle;
  try {
    publicFile = await createExclusive(publicKeyPath, PUBLIC_MODE);
  } catch (error) {
    await privateFile.close();
    await unlink(privateKeyPath);
    throw error;
  }
  let written = false;
  try {
    await writeAndSeal(privateFile, privateKey, PRIVATE_MODE);
    await writeAndSeal(publicFile, publicKey, PUBLIC_MODE);
    written = true;
  } finally {
    await privateFile.close();
    await publicFile.close();
    // A half-written key pair is worse than none: nobody should seal data under it.
    if (!written) await Promise.allSettled([unlink(privateKeyPath), unlink(publicKeyPath)]);
  }
  return { keyId: publicKeyFingerprint(createPublicKey(publicKey)), privateKeyPath, publicKeyPath };
}

/** `keys/app.pem` -> `keys/app.pub.pem`; a name without `.pem` gets `.pub.pem` appended. */
export function defaultPublicKeyPath(privateKeyPath: string): string {
  return privateKeyPath.endsWith('.pem') ? `${privateKeyPath.slice(0, -'.pem'.length)}.pub.pem` : `${privateKeyPath}.pub.pem`;
}

/** Opens a new file with flag 'wx': fails rather than follow or replace an existing path. */
async function createExclusive(path: string, mode: number): Promise<FileHandle> {
  try {
    return await open(path, 'wx', mode);
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
    const problem = code === 'EEXIST' ? 'already exists; refusing to overwrite a key' : `could not be created (${String(code ?? cause)})`;
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${path} ${problem}`, { cause });
  }
}

async function writeAndSeal(file: FileHandle, pem: string, mode: number): Promise<void> {
  // open's mode passes through the umask (0644 becomes 0600 under umask 077); set it exactly.
  await file.chmod(mode);
  await file.writeFile(pem, { encoding: 'utf8' });
  await file.sync();
}
