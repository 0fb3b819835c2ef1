/**
 * Runs one call per key at a time: concurrent callers for the same key share
 * the first caller's promise (one KMS request for N concurrent cache misses).
 */
export class SingleFlight<K, T> {
  private readonly inFlight = new Map<K, Promise<T>>();

  run(key: K, call: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = call().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
