/**
 * Requests received per operation, refused ones included, so a test can pin
 * exactly how many attempts a client made (retries, give-ups, cache hits).
 */
export class RequestCounter {
  readonly #counts = new Map<string, number>();

  record(operation: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
  }

  /** Requests for `operation`, or for all operations when absent. */
  count(operation?: string): number {
    if (operation !== undefined) return this.#counts.get(operation) ?? 0;
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** A frozen copy, so a test's snapshot does not move under it. */
  snapshot(): Readonly<Record<string, number>> {
    return Object.freeze(Object.fromEntries(this.#counts));
  }

  reset(): void {
    this.#counts.clear();
  }
}
