/** A request body's members, each to be checked before use. */
export type JsonObject = { readonly [member: string]: unknown };

/** Why a body is not a JSON object; each service words its refusal its own way. */
export type JsonBodyProblem = { readonly kind: 'not-json'; readonly cause: unknown } | { readonly kind: 'not-object' };

/** Parses a body that must be a JSON object, an empty one meaning `{}`; throws what `refuse` returns. */
export function parseJsonObject(body: Buffer, refuse: (problem: JsonBodyProblem) => Error): JsonObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw refuse({ kind: 'not-json', cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw refuse({ kind: 'not-object' });
  return parsed as JsonObject;
}
