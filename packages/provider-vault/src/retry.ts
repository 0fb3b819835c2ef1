import { setTimeout as sleep } from 'node:timers/promises';

/** How often, and how patiently, a Vault call is retried. */
export interface RetryPolicy {
  /** Attempts per call, the first included (1: no retries). */
  readonly maxAttempts: number;
  /** The first wait; each retry doubles it, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): half the
 * exponential step plus a random half, so clients that failed together do
 * not come back together, yet every client waits at least a little.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/**
 * Calls `call` until it succeeds, `retryable` says no, or the attempts run
 * out; the last error is thrown as it was. `call` learns its attempt number.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !retryable(error)) throw error;
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
