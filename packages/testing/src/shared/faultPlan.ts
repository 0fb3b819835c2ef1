import { FaultQueue, type FaultScope } from './faultQueue.js';

/**
 * The faults every emulator injects: queued failures and latency, per
 * operation or for all. A service's plan extends it with the ways it builds
 * its own errors (`throttle`, `fail`), which is all that differs between them.
 */
export class FaultPlan<Failure> {
  protected readonly failures = new FaultQueue<Failure>();
  readonly #latencies = new Map<string | undefined, number>();

  /** Delays every matching request by `ms` before it is answered (0 removes the delay). */
  latency(ms: number, scope: FaultScope = {}): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
    if (ms === 0) this.#latencies.delete(scope.operation);
    else this.#latencies.set(scope.operation, ms);
  }

  /** The delay for `operation`: the larger of its own and the all-operations one. */
  delayFor(operation: string): number {
    return Math.max(this.#latencies.get(operation) ?? 0, this.#latencies.get(undefined) ?? 0);
  }

  /** Consumes and returns the failure due for this request, if any. */
  take(operation: string): Failure | undefined {
    return this.failures.take(operation);
  }

  clear(): void {
    this.failures.clear();
    this.#latencies.clear();
  }
}
