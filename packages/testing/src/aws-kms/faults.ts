import { KmsError, type KmsErrorType } from './kmsError.js';

/** Which requests a fault applies to: one operation (`Decrypt`), or all when absent. */
export interface FaultScope {
  readonly operation?: string;
}

export interface FailureOptions extends FaultScope {
  /** The error to answer with. Default KMSInternalException (500, retried by the SDK). */
  readonly error?: KmsErrorType;
  readonly message?: string;
}

interface PendingFailure {
  remaining: number;
  readonly operation: string | undefined;
  readonly error: KmsError;
}

/**
 * Faults queued for coming requests. Failures are consumed in the order they
 * were queued, one per matching request, so "throttle 2 then succeed" is
 * exactly two throttled attempts.
 */
export class FaultPlan {
  private readonly failures: PendingFailure[] = [];
  private readonly latencies = new Map<string | undefined, number>();

  /** Answers the next `times` matching requests with ThrottlingException (`Infinity`: until cleared). */
  throttle(times: number, scope: FaultScope = {}): void {
    this.fail(times, { ...scope, error: 'ThrottlingException', message: 'Rate exceeded' });
  }

  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    const type = options.error ?? 'KMSInternalException';
    const message = options.message ?? `injected ${type}`;
    this.failures.push({ remaining: times, operation: options.operation, error: new KmsError(type, message) });
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
  take(operation: string): KmsError | undefined {
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
}
