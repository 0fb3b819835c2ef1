import { parseJsonObject, type JsonObject } from '../shared/jsonBody.js';
import { badRequest } from './vaultError.js';

/**
 * Reading request bodies as Vault's framework does: JSON objects whose fields
 * are converted to the declared type (a number may be sent as a string) and
 * refused with a 400 when they cannot be.
 */
export type { JsonObject } from '../shared/jsonBody.js';

// Go's base64.StdEncoding: padded, standard alphabet, nothing else.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** GET requests and POSTs without parameters (rotate) carry no body: `{}`. */
export function parseJsonBody(body: Buffer): JsonObject {
  return parseJsonObject(body, (problem) =>
    badRequest(
      problem.kind === 'not-json'
        ? `failed to parse JSON input: ${problem.cause instanceof Error ? problem.cause.message : 'invalid JSON'}`
        : 'failed to parse JSON input: the body must be a JSON object',
    ),
  );
}

export function optionalString(input: JsonObject, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`error converting input for field "${field}": expected a string`);
}

export function optionalInteger(input: JsonObject, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw badRequest(`error converting input for field "${field}": expected an integer`);
  }
  return number;
}

export function optionalBoolean(input: JsonObject, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest(`error converting input for field "${field}": expected a boolean`);
}

/** Base64 as Go decodes it; the message names the first offending byte, as Go's does. */
export function decodeBase64(value: string): Buffer {
  if (!BASE64.test(value)) {
    const bad = value.search(/[^A-Za-z0-9+/=]/);
    throw badRequest(`illegal base64 data at input byte ${bad >= 0 ? bad : Math.max(0, value.length - (value.length % 4))}`);
  }
  return Buffer.from(value, 'base64');
}

/** An optional base64 field, empty meaning absent (Vault tests `len(field) != 0`). */
export function optionalBase64(input: JsonObject, field: string): Buffer | undefined {
  const value = optionalString(input, field);
  return value === undefined || value === '' ? undefined : decodeBase64(value);
}
