import { parseJsonObject, type JsonObject } from '../shared/jsonBody.js';
import { KeyVaultError } from './keyVaultError.js';

/**
 * Reading Key Vault request bodies. Every member is checked, as the service
 * does, so a client bug shows as a 400 BadParameter rather than a wrong answer.
 */
export type { JsonObject } from '../shared/jsonBody.js';

// Key Vault takes base64url without padding; tolerate padding, refuse the standard alphabet.
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function parseJsonBody(body: Buffer): JsonObject {
  return parseJsonObject(body, (problem) =>
    new KeyVaultError('BadParameter', problem.kind === 'not-json' ? 'The request body is not valid JSON.' : 'The request body must be a JSON object.'),
  );
}

export function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KeyVaultError('BadParameter', `Property '${member}' must be a string.`);
  return value;
}

export function requireString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') throw new KeyVaultError('BadParameter', `Property '${member}' is required.`);
  return value;
}

export function optionalInteger(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new KeyVaultError('BadParameter', `Property '${member}' must be an integer.`);
  return value;
}

export function optionalBoolean(input: JsonObject, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new KeyVaultError('BadParameter', `Property '${member}' must be a boolean.`);
  return value;
}

export function optionalObject(input: JsonObject, member: string): JsonObject | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new KeyVaultError('BadParameter', `Property '${member}' must be an object.`);
  return value as JsonObject;
}

export function optionalStringArray(input: JsonObject, member: string): readonly string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new KeyVaultError('BadParameter', `Property '${member}' must be an array of strings.`);
  }
  return value;
}

/** Tags: a map of strings to strings, absent meaning none. */
export function optionalTags(input: JsonObject, member: string): Readonly<Record<string, string>> | undefined {
  const value = optionalObject(input, member);
  if (value === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new KeyVaultError('BadParameter', `Tag '${key}' must be a string.`);
    tags[key] = item;
  }
  return tags;
}

/** A binary member: base64url on the wire (the service's own wording on failure). */
export function requireBase64Url(input: JsonObject, member: string): Buffer {
  const value = input[member];
  if (value === undefined || value === null || value === '') throw new KeyVaultError('BadParameter', `Property '${member}' is required.`);
  if (typeof value !== 'string' || !BASE64URL.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new KeyVaultError('BadParameter', `Content of '${member}' is not base64url.`);
  }
  return Buffer.from(value, 'base64url');
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
