import { EnvelopeError, ErrorCode } from '../errors.js';
import { ByteReader, ByteWriter } from './byteReader.js';

/**
 * Non-secret string pairs bound to an envelope: authenticated in the header,
 * and passed to each key wrapper so backends with AAD bind them too.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

const utf8 = new TextEncoder();
const MAX_FIELD_BYTES = 0xffff;

/**
 * The canonical context encoding (docs/format.md, "Encryption context"):
 * u16 pair count, then each pair sorted by key bytes as u16 length + UTF-8.
 * The same bytes are the RSA-OAEP label of the local provider.
 */
export function encodeContext(context: EncryptionContext): Buffer {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'encryption context must be an object of string pairs');
  }
  const pairs = Object.entries(context).map(([key, value]) => {
    if (typeof value !== 'string') {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `encryption context value for "${key}" must be a string`);
    }
    if (key.length === 0) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'encryption context keys must not be empty');
    if (hasLoneSurrogate(key) || hasLoneSurrogate(value)) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `encryption context pair "${key}" is not well-formed Unicode`);
    }
    return [Buffer.from(utf8.encode(key)), Buffer.from(utf8.encode(value))] as const;
  });
  if (pairs.length > MAX_FIELD_BYTES) {
    throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `encryption context has ${pairs.length} pairs, at most ${MAX_FIELD_BYTES} allowed`);
  }
  pairs.sort(([a], [b]) => Buffer.compare(a, b));
  const writer = new ByteWriter().u16(pairs.length);
  for (const [key, value] of pairs) {
    if (key.length > MAX_FIELD_BYTES || value.length > MAX_FIELD_BYTES) {
      throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `encryption context pair "${key.subarray(0, 64).toString()}" is over ${MAX_FIELD_BYTES} bytes`);
    }
    writer.u16(key.length).bytes(key).u16(value.length).bytes(value);
  }
  return writer.toBytes();
}

/** Parses a canonical context encoding, rejecting any other ordering or duplicates. */
export function decodeContext(bytes: Uint8Array): EncryptionContext {
  const reader = new ByteReader(bytes);
  const context: Record<string, string> = Object.create(null);
  let previousKey: Uint8Array | undefined;
  try {
    const count = reader.u16();
    for (let i = 0; i < count; i++) {
      const keyStart = reader.position + 2;
      const key = reader.utf8(reader.u16(), 'encryption context key');
      const keyBytes = bytes.subarray(keyStart, reader.position);
      const value = reader.utf8(reader.u16(), 'encryption context value');
      if (keyBytes.length === 0) throw new EnvelopeError(ErrorCode.MALFORMED, 'encryption context has an empty key');
      if (previousKey && Buffer.compare(previousKey, keyBytes) >= 0) {
        throw new EnvelopeError(ErrorCode.MALFORMED, 'encryption context keys are not in canonical order (sorted, unique)');
      }
      previousKey = keyBytes;
      context[key] = value;
    }
  } catch (error) {
    if (error instanceof EnvelopeError) throw error;
    throw new EnvelopeError(ErrorCode.MALFORMED, 'encryption context field ends inside a pair');
  }
  if (reader.position !== bytes.length) {
    throw new EnvelopeError(ErrorCode.MALFORMED, 'encryption context field has bytes after its last pair');
  }
  return Object.freeze({ ...context });
}

/**
 * Throws CONTEXT_MISMATCH unless every expected pair is present with the same
 * value and every required key is present.
 */
export function checkExpectedContext(
  actual: EncryptionContext,
  expected: EncryptionContext,
  requiredKeys: readonly string[] = [],
): void {
  for (const key of requiredKeys) {
    if (!Object.hasOwn(actual, key)) {
      throw new EnvelopeError(ErrorCode.CONTEXT_MISMATCH, `encryption context lacks the required key "${key}"`);
    }
  }
  for (const [key, value] of Object.entries(expected)) {
    if (!Object.hasOwn(actual, key)) {
      throw new EnvelopeError(ErrorCode.CONTEXT_MISMATCH, `encryption context lacks the required key "${key}"`);
    }
    if (actual[key] !== value) {
      throw new EnvelopeError(ErrorCode.CONTEXT_MISMATCH, `encryption context "${key}" does not have the required value`);
    }
  }
}

/** Lone surrogates have no UTF-8 encoding, so they cannot round-trip. */
function hasLoneSurrogate(text: string): boolean {
  return /\p{Surrogate}/u.test(text);
}
