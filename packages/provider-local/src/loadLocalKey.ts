import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';
import { parseKeyText } from './keyMaterial.js';
import { LocalRsaKeyWrapper } from './localRsaKeyWrapper.js';
import { checkRsaKey } from './rsaKeyPolicy.js';

// Far above any real key (a 16384-bit private JWK is about 12 KiB); refuses logs and disk images.
const MAX_KEY_FILE_BYTES = 1024 * 1024;

/**
 * A wrapper from a key file: PEM (PKCS#8/PKCS#1 private, SPKI/PKCS#1 public)
 * or a JSON Web Key. A private key wraps and unwraps; a public one only wraps.
 */
export async function loadLocalKey(path: string): Promise<LocalRsaKeyWrapper> {
  if (typeof path !== 'string' || path === '') {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the key file path must be a non-empty string');
  }
  const absolute = resolve(path);
  const source = `key file ${absolute}`;
  const key = parseKeyText(await readKeyFile(absolute), source);
  checkRsaKey(key, source);
  return new LocalRsaKeyWrapper(key);
}

async function readKeyFile(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileError(cause, path);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `key file ${path} is not a regular file`);
    }
    if (stats.size > MAX_KEY_FILE_BYTES) {
      throw new EnvelopeError(ErrorCode.INVALID_KEY, `key file ${path} is ${stats.size} bytes, too large to be a key`);
    }
    return await handle.readFile({ encoding: 'utf8' });
  } catch (cause) {
    throw cause instanceof EnvelopeError ? cause : fileError(cause, path);
  } finally {
    await handle.close();
  }
}

/** Classifies an I/O error by its errno code; the native error stays as `cause`. */
function fileError(cause: unknown, path: string): EnvelopeError {
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new EnvelopeError(ErrorCode.KEY_NOT_FOUND, `key file ${path} does not exist`, { cause });
    case 'EACCES':
    case 'EPERM':
      return new EnvelopeError(ErrorCode.PERMISSION_DENIED, `key file ${path} cannot be read by this user`, { cause });
    case 'EISDIR':
      return new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `key file ${path} is a directory`, { cause });
    default:
      return new EnvelopeError(ErrorCode.INVALID_KEY, `key file ${path} could not be read`, { cause });
  }
}
