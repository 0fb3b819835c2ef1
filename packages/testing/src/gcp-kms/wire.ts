import { crc32c } from '@aws-crypto/crc32c';
import { RpcError } from './rpcError.js';

/**
 * Readers for request messages as @grpc/proto-loader decodes them (camelCase
 * fields, bytes as Buffer, int64 as string, enums as names, defaults filled),
 * checking each field instead of trusting the decoder's output type.
 */
export type Message = Readonly<Record<string, unknown>>;

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field; proto3 has no "absent" string, so empty means not given. */
export function stringField(message: Message, field: string): string {
  const value = message[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new RpcError('INVALID_ARGUMENT', `${field} must be a string`);
  return value;
}

export function requiredString(message: Message, field: string): string {
  const value = stringField(message, field);
  if (value === '') throw new RpcError('INVALID_ARGUMENT', `${snake(field)} is required`);
  return value;
}

export function bytesField(message: Message, field: string, maxBytes: number): Buffer {
  const value = message[field];
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (!(value instanceof Uint8Array)) throw new RpcError('INVALID_ARGUMENT', `${snake(field)} must be bytes`);
  if (value.length > maxBytes) {
    throw new RpcError('INVALID_ARGUMENT', `The ${snake(field)} field must be at most ${maxBytes} bytes, got ${value.length}`);
  }
  return Buffer.from(value.buffer, value.byteOffset, value.length);
}

export function booleanField(message: Message, field: string): boolean {
  return message[field] === true;
}

export function messageField(message: Message, field: string): Message | undefined {
  const value = message[field];
  return isMessage(value) ? value : undefined;
}

/** An enum field by name; proto3's zero value (`*_UNSPECIFIED`) means not given. */
export function enumField(message: Message | undefined, field: string): string | undefined {
  const value = message?.[field];
  if (typeof value !== 'string' || value.endsWith('_UNSPECIFIED')) return undefined;
  return value;
}

export function stringListField(message: Message | undefined, field: string): readonly string[] {
  const value = message?.[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A google.protobuf.Int64Value field: undefined when the wrapper is absent. */
export function int64ValueField(message: Message, field: string): bigint | undefined {
  const wrapper = messageField(message, field);
  if (!wrapper) return undefined;
  const value = wrapper['value'];
  if (typeof value === 'string' || typeof value === 'number') {
    try {
      return BigInt(value);
    } catch {
      // fall through to the error below
    }
  }
  throw new RpcError('INVALID_ARGUMENT', `${snake(field)}.value must be an integer`);
}

/** The CRC32C of `data`, as the service puts it in an Int64Value. */
export function checksumOf(data: Uint8Array): number {
  return crc32c(data);
}

/**
 * Checks an optional request checksum the way the service does: a mismatch is
 * INVALID_ARGUMENT (the request was corrupted on its way), and the response's
 * verified_* flag says whether a checksum was there to verify.
 */
export function verifyChecksum(message: Message, dataField: string, checksumField: string, data: Uint8Array): boolean {
  const expected = int64ValueField(message, checksumField);
  if (expected === undefined) return false;
  if (expected !== BigInt(checksumOf(data))) {
    throw new RpcError(
      'INVALID_ARGUMENT',
      `The checksum in field ${snake(checksumField)} did not match the data in field ${snake(dataField)}.`,
    );
  }
  return true;
}

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
