import { EnvelopeError, ErrorCode } from '../errors.js';
import type { WrappedKey } from '../keyring/keyWrapper.js';
import { ByteReader, ByteWriter } from './byteReader.js';
import { decodeContext, encodeContext, type EncryptionContext } from './context.js';
import { FIELD_BOUNDS, type Limits } from './limits.js';
import { suiteById, type Suite } from './suite.js';

/** "ENVK": the first four bytes of every envelope. */
export const MAGIC = Buffer.from([0x45, 0x4e, 0x56, 0x4b]);
export const FORMAT_VERSION = 1;
export const MESSAGE_ID_LENGTH = 32;
export const COMMITMENT_LENGTH = 32;
export const HEADER_TAG_LENGTH = 32;

/** Header fields written before the tag (docs/format.md, "Header"). */
export interface HeaderFields {
  readonly suite: Suite;
  readonly messageId: Uint8Array;
  readonly frameSize: number;
  readonly context: EncryptionContext;
  readonly wrappedKeys: readonly WrappedKey[];
  readonly commitment: Uint8Array;
}

export interface EnvelopeHeader extends HeaderFields {
  readonly version: number;
  /** HMAC-SHA-256 over every header byte before it. */
  readonly tag: Uint8Array;
}

export interface ParsedHeader {
  readonly header: EnvelopeHeader;
  /** The bytes the tag authenticates. */
  readonly authenticated: Uint8Array;
  /** Header length in bytes, tag included: the body starts here. */
  readonly length: number;
}

const utf8 = new TextEncoder();
const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** Encodes every header field but the tag; the caller authenticates these bytes. */
export function encodeHeaderFields(fields: HeaderFields): Buffer {
  const writer = new ByteWriter()
    .bytes(MAGIC)
    .u8(FORMAT_VERSION)
    .u16(fields.suite.id)
    .bytes(fields.messageId)
    .u32(fields.frameSize);
  const context = encodeContext(fields.context);
  writer.u32(context.length).bytes(context).u16(fields.wrappedKeys.length);
  for (const wrapped of fields.wrappedKeys) {
    const providerId = utf8.encode(wrapped.providerId);
    const keyId = utf8.encode(wrapped.keyId);
    checkWrappedKeyField('provider id', providerId.length, FIELD_BOUNDS.maxProviderIdBytes, ErrorCode.INVALID_ARGUMENT);
    checkWrappedKeyField('key id', keyId.length, FIELD_BOUNDS.maxKeyIdBytes, ErrorCode.INVALID_ARGUMENT);
    checkWrappedKeyField('wrapped key', wrapped.ciphertext.length, FIELD_BOUNDS.maxWrappedKeyBytes, ErrorCode.INVALID_ARGUMENT);
    if (!PROVIDER_ID.test(wrapped.providerId)) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `provider id "${wrapped.providerId}" must match ${PROVIDER_ID}`);
    }
    writer.u8(providerId.length).bytes(providerId);
    writer.u16(keyId.length).bytes(keyId);
    writer.u16(wrapped.ciphertext.length).bytes(wrapped.ciphertext);
  }
  return writer.bytes(fields.commitment).toBytes();
}

/**
 * Parses a header from the start of `bytes`, checking every length against
 * `limits` as soon as it is read, so nothing is allocated for a claim that is
 * over them. Throws `NeedMoreBytes` when `bytes` ends inside the header.
 */
export function parseHeader(bytes: Uint8Array, limits: Limits): ParsedHeader {
  const reader = new ByteReader(bytes);
  const magic = reader.take(MAGIC.length);
  if (!MAGIC.equals(magic)) {
    throw new EnvelopeError(
      ErrorCode.MALFORMED,
      `not an Envelope Kit envelope: starts with 0x${Buffer.from(magic).toString('hex')}, expected 0x${MAGIC.toString('hex')} ("ENVK")`,
    );
  }
  const version = reader.u8();
  if (version !== FORMAT_VERSION) {
    throw new EnvelopeError(
      ErrorCode.UNSUPPORTED_VERSION,
      `envelope format version ${version} is not supported (this library reads version ${FORMAT_VERSION})`,
    );
  }
  const suite = suiteById(reader.u16());
  const messageId = reader.take(MESSAGE_ID_LENGTH);
  const frameSize = reader.u32();
  if (frameSize < FIELD_BOUNDS.minFrameSize) {
    throw new EnvelopeError(ErrorCode.MALFORMED, `frame size ${frameSize} is under the minimum of ${FIELD_BOUNDS.minFrameSize}`);
  }
  checkLimit('frame size', frameSize, limits.maxFrameSize);
  const contextLength = reader.u32();
  checkLimit('encryption context length', contextLength, limits.maxContextBytes);
  const context = decodeContext(reader.take(contextLength));
  const keyCount = reader.u16();
  if (keyCount === 0) throw new EnvelopeError(ErrorCode.MALFORMED, 'envelope has no wrapped keys');
  checkLimit('wrapped key count', keyCount, limits.maxWrappedKeys);
  const wrappedKeys: WrappedKey[] = [];
  for (let i = 0; i < keyCount; i++) {
    const providerId = reader.utf8(checkedLength(reader.u8(), 'provider id', FIELD_BOUNDS.maxProviderIdBytes), 'provider id');
    if (!PROVIDER_ID.test(providerId)) {
      throw new EnvelopeError(ErrorCode.MALFORMED, `wrapped key ${i} has an invalid provider id`);
    }
    const keyId = reader.utf8(checkedLength(reader.u16(), 'key id', FIELD_BOUNDS.maxKeyIdBytes), 'key id');
    const ciphertext = reader.take(checkedLength(reader.u16(), 'wrapped key', FIELD_BOUNDS.maxWrappedKeyBytes));
    wrappedKeys.push(Object.freeze({ providerId, keyId, ciphertext: Uint8Array.from(ciphertext) }));
  }
  const commitment = Uint8Array.from(reader.take(COMMITMENT_LENGTH));
  const authenticatedLength = reader.position;
  const tag = Uint8Array.from(reader.take(HEADER_TAG_LENGTH));
  const header: EnvelopeHeader = Object.freeze({
    version,
    suite,
    messageId: Uint8Array.from(messageId),
    frameSize,
    context,
    wrappedKeys: Object.freeze(wrappedKeys),
    commitment,
    tag,
  });
  return { header, authenticated: bytes.subarray(0, authenticatedLength), length: reader.position };
}

function checkLimit(field: string, value: number, limit: number): void {
  if (value > limit) {
    throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `${field} ${value} is over the limit of ${limit}`);
  }
}

function checkedLength(length: number, field: string, max: number): number {
  if (length === 0) throw new EnvelopeError(ErrorCode.MALFORMED, `${field} is empty`);
  checkLimit(`${field} length`, length, max);
  return length;
}

function checkWrappedKeyField(field: string, length: number, max: number, code: ErrorCode): void {
  if (length === 0 || length > max) {
    throw new EnvelopeError(code, `${field} must be 1 to ${max} bytes, got ${length}`);
  }
}
