import { parseJsonObject, type JsonObject } from '../shared/jsonBody.js';
import { KmsError } from './kmsError.js';

/**
 * Reading JSON 1.1 request members. Every member is checked, as KMS does,
 * so a client bug shows as a ValidationException rather than as a wrong answer.
 */
export type { JsonObject } from '../shared/jsonBody.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The SDK sends `{}` for an operation without input; an empty body is tolerated too. */
export function parseJsonBody(body: Buffer): JsonObject {
  return parseJsonObject(body, (problem) =>
    new KmsError('SerializationException', problem.kind === 'not-json' ? 'the request body is not valid JSON' : 'the request body must be a JSON object'),
  );
}

export function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KmsError('SerializationException', `${member} must be a string`);
  return value;
}

export function requireString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value.length === 0) {
    throw new KmsError('ValidationException', `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalInteger(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new KmsError('SerializationException', `${member} must be an integer`);
  }
  return value;
}

/** A blob member: base64 on the wire, with KMS's length bounds. */
export function optionalBlob(input: JsonObject, member: string, maxBytes: number): Buffer | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new KmsError('SerializationException', `${member} must be base64`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1 || bytes.length > maxBytes) {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value at '${lowerFirst(member)}' failed to satisfy constraint: Member must have length between 1 and ${maxBytes}`,
    );
  }
  return bytes;
}

export function requireBlob(input: JsonObject, member: string, maxBytes: number): Buffer {
  const bytes = optionalBlob(input, member, maxBytes);
  if (bytes === undefined) {
    throw new KmsError('ValidationException', `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return bytes;
}

/** An encryption context: a map of strings to strings, absent meaning empty. */
export function optionalContext(input: JsonObject, member: string): Readonly<Record<string, string>> {
  const value = input[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KmsError('SerializationException', `${member} must be a map of strings`);
  }
  const context: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new KmsError('SerializationException', `${member} values must be strings`);
    context[key] = item;
  }
  return context;
}

export function encodeBlob(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
