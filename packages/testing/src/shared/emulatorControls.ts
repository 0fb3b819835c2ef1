import type { FaultPlan } from './faultPlan.js';
import type { FaultScope } from './faultQueue.js';
import { RequestCounter } from './requestCounter.js';

/**
 * The test controls every emulator has, whatever it speaks: latency, clearing
 * faults, and request counts. An emulator adds the faults only its service
 * has (`throttleNext` and `failNext` take the service's own error names).
 */
export abstract class EmulatorControls<Faults extends FaultPlan<unknown>> {
  protected readonly faults: Faults;
  protected readonly counts = new RequestCounter();

  protected constructor(faults: Faults) {
    this.faults = faults;
  }

  /** Delays every request (of `operation`, if given) by `ms` until changed; 0 removes it. */
  setLatency(ms: number, scope: FaultScope = {}): void {
    this.faults.latency(ms, scope);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests received for `operation` (all operations when absent), refused ones included. */
  requestCount(operation?: string): number {
    return this.counts.count(operation);
  }

  requestCounts(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  resetRequestCounts(): void {
    this.counts.reset();
  }
}
