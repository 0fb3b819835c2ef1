import { KeyVaultError, type KeyVaultErrorCode } from './keyVaultError.js';

/** Which requests a fault applies to: one operation (`unwrapKey`), or all when absent. */
export interface FaultScope {
  readonly operation?: string;
}

export interface ThrottleOptions extends FaultScope {
  /**
   * The Retry-After the 429 carries, in seconds. Default 0, so the SDK retries
   * at once and tests stay fast; the SDK waits exactly this long, uncapped.
   */
  readonly retryAfterSeconds?: number;
}

export interface FailureOptions extends FaultScope {
  /** The error to answer with. Default InternalServerError (500, retried by the SDK). */
  readonly error?: KeyVaultErrorCode;
  readonly message?: string;
  /** `innererror.code`, e.g. KeyDisabled with Forbidden. */
  readonly innerCode?: string;
}

interface PendingFailure {
  remaining: number;
  readonly operation: string | undefined;
  readonly error: KeyVaultError;
}

/**
 * Faults queued for coming requests. Failures are consumed in the order they
 * were queued, one per matching request, so "throttle 2 then succeed" is
 * exactly two throttled attempts.
 */
export class FaultPlan {
  private readonly failures: PendingFailure[] = [];
  private readonly latencies = new Map<string | undefined, number>();

  /** Answers the next `times` matching requests with 429 Throttled (`Infinity`: until cleared). */
  throttle(times: number, options: ThrottleOptions = {}): void {
    const retryAfter = options.retryAfterSeconds ?? 0;
    if (!Number.isInteger(retryAfter) || retryAfter < 0) throw new RangeError(`retryAfterSeconds must be a non-negative integer, got ${retryAfter}`);
    this.push(times, options.operation, new KeyVaultError(
      'Throttled',
      'Request was not processed because too many requests were received. Reason: injected by the emulator',
      { headers: { 'retry-after': String(retryAfter) } },
    ));
  }

  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    const code = options.error ?? 'InternalServerError';
    const message = options.message ?? `injected ${code}`;
    this.push(times, options.operation, new KeyVaultError(code, message, options.innerCode === undefined ? {} : { innerCode: options.innerCode }));
  }

  /** Delays every matching request by `ms` before it is answered (0 removes the delay). */
  latency(ms: number, scope: FaultScope = {}): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
    if (ms === 0) this.latencies.delete(scope.operation);
    else this.latencies.set(scope.operation, ms);
  }

  /** The delay for `operation`: the larger of its own and the all-operations one. */
  delayFor(operation: string): number {
    return Math.max(this.latencies.get(operation) ?? 0, this.latencies.get(undefined) ?? 0);
  }

  /** Consumes and returns the failure due for this request, if any. */
  take(operation: string): KeyVaultError | undefined {
    const index = this.failures.findIndex((f) => f.operation === undefined || f.operation === operation);
    if (index < 0) return undefined;
    const failure = this.failures[index]!;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return failure.error;
  }

  clear(): void {
    this.failures.length = 0;
    this.latencies.clear();
  }

  private push(times: number, operation: string | undefined, error: KeyVaultError): void {
    if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    this.failures.push({ remaining: times, operation, error });
  }
}
