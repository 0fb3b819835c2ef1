import { isAbsolute, normalize, resolve } from 'node:path';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';

const PREFIX = 'local:';
const FORMS = 'expected local:///absolute/path/key.pem, local:/absolute/path/key.pem or local:relative/key.pem';

/**
 * The absolute path of the key file a `local:` URI names.
 *
 * `local:///abs/path` is a URL with an empty host, so it is percent-decoded
 * (`%20` is a space, `%3F` a `?`). The short forms `local:/abs/path` and
 * `local:rel/path` are paths as typed, not decoded; relative ones resolve
 * against `baseDir`, else `process.cwd()`.
 */
export function parseLocalKeyUri(uri: string, baseDir?: string): string {
  if (typeof uri !== 'string' || !uri.startsWith(PREFIX)) {
    throw invalid(uri, 'is not a local: key URI');
  }
  const rest = uri.slice(PREFIX.length);
  let path: string;
  if (rest.startsWith('//')) {
    if (rest === '//') throw invalid(uri, 'has an empty path');
    if (!rest.startsWith('///')) throw invalid(uri, 'names a host; local keys are files on this machine');
    path = decodeUrlPath(uri, rest.slice(2));
  } else {
    path = rest;
  }
  if (path === '') throw invalid(uri, 'has an empty path');
  if (path.includes('\0')) throw invalid(uri, 'contains a NUL character');
  if (path.endsWith('/')) throw invalid(uri, 'names a directory, not a key file');
  // The shell expands ~ but the file system does not: `local:~/k.pem` would be ./~/k.pem.
  if (path.startsWith('~')) throw invalid(uri, 'starts with ~, which is not expanded; use an absolute path');
  return isAbsolute(path) ? normalize(path) : resolve(baseDir ?? process.cwd(), path);
}

function decodeUrlPath(uri: string, encoded: string): string {
  if (encoded.includes('?') || encoded.includes('#')) {
    throw invalid(uri, 'has a query or fragment; percent-encode ? as %3F and # as %23 in a file name');
  }
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw invalid(uri, 'has an invalid percent-encoding');
  }
}

function invalid(uri: unknown, problem: string): EnvelopeError {
  const shown = typeof uri === 'string' ? `"${uri}"` : 'the key URI';
  return new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${shown} ${problem}: ${FORMS}`);
}
