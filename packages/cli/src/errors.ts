import { isEnvelopeError } from '@envelope-kit/core';

/** One line for any failure: what happened and, for library errors, the stable code. */
export function describeError(error: unknown): string {
  if (isEnvelopeError(error)) return `${error.message} [${error.code}]`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.message} [${code}]` : error.message;
  }
  return String(error);
}
