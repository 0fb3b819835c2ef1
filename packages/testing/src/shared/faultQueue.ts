/** Which requests a fault applies to: one operation, or all when absent. */
export interface FaultScope {
  readonly operation?: string;
}

interface Pending<T> {
  remaining: number;
  readonly operation: string | undefined;
  readonly value: T;
}

/**
 * Faults queued for coming requests, consumed in the order they were queued,
 * one per matching request, so "throttle 2 then succeed" is exactly two
 * throttled attempts. `T` is whatever the service answers a fault with.
 */
export class FaultQueue<T> {
  readonly #entries: Pending<T>[] = [];

  /**
   * Queues a fault for the next `times` matching requests (`Infinity`: until cleared).
   * `make` runs after `times` is checked, so a bad count is reported before a bad fault.
   */
  push(times: number, scope: FaultScope, make: () => T): void {
    if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    this.#entries.push({ remaining: times, operation: scope.operation, value: make() });
  }

  /** The fault due for this request, if any, left queued. */
  peek(operation: string): T | undefined {
    return this.#entries.find((entry) => matches(entry, operation))?.value;
  }

  /** Consumes and returns the fault due for this request, if any. */
  take(operation: string): T | undefined {
    const index = this.#entries.findIndex((entry) => matches(entry, operation));
    const entry = this.#entries[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#entries.splice(index, 1);
    return entry.value;
  }

  clear(): void {
    this.#entries.length = 0;
  }
}

function matches(entry: Pending<unknown>, operation: string): boolean {
  return entry.operation === undefined || entry.operation === operation;
}
