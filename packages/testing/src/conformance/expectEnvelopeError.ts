import { EnvelopeError, type ErrorCode } from '@envelope-kit/core';
import { expect } from 'vitest';

/**
 * Awaits `action` and asserts it failed with an `EnvelopeError` of one of
 * `codes`; returns the error so a test can check its message or cause.
 * A plain `Error`, or success, fails the test with what happened instead.
 */
export async function expectEnvelopeError(
  action: Promise<unknown> | (() => Promise<unknown>),
  codes: ErrorCode | readonly ErrorCode[],
): Promise<EnvelopeError> {
  const allowed: readonly ErrorCode[] = typeof codes === 'string' ? [codes] : codes;
  let outcome: { readonly failed: false } | { readonly failed: true; readonly error: unknown };
  try {
    await (typeof action === 'function' ? action() : action);
    outcome = { failed: false };
  } catch (error) {
    outcome = { failed: true, error };
  }
  if (!outcome.failed) {
    return expect.fail(`expected an EnvelopeError (${allowed.join(' or ')}), but the call succeeded`);
  }
  const { error } = outcome;
  if (!(error instanceof EnvelopeError)) {
    return expect.fail(`expected an EnvelopeError (${allowed.join(' or ')}), got ${describeError(error)}`);
  }
  expect(allowed, `error code of "${error.message}"`).toContain(error.code);
  return error;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
