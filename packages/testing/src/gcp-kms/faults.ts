import { isRpcStatusName, RpcError, type RpcStatusName } from './rpcError.js';

/** Which calls a fault applies to: one method (`Decrypt`), or all when absent. */
export interface FaultScope {
  readonly operation?: string;
}

export interface FailureOptions extends FaultScope {
  /** The status to answer with. Default UNAVAILABLE, which clients retry. */
  readonly status?: RpcStatusName;
  readonly message?: string;
}

/**
 * Ways to damage a successful response, as a faulty network or server would;
 * a careful client must notice each one through the CRC32C fields.
 *  - `checksum`: the response checksum (ciphertextCrc32c, plaintextCrc32c, pemCrc32c) is off by one
 *  - `data`: one bit of the ciphertext, plaintext or PEM flips after its checksum was computed
 *  - `unverified`: the verified*Crc32c flags say the request checksums were not checked
 *  - `name`: the response names a version of another key
 * A kind that a method's response has no field for leaves that response untouched.
 */
export type CorruptionKind = 'checksum' | 'data' | 'unverified' | 'name';
export const CORRUPTION_KINDS: readonly CorruptionKind[] = ['checksum', 'data', 'unverified', 'name'];

export interface CorruptionOptions extends FaultScope {
  /** Default `checksum`. */
  readonly kind?: CorruptionKind;
}

interface Pending<T> {
  remaining: number;
  readonly operation: string | undefined;
  readonly value: T;
}

/**
 * Faults queued for coming calls. Each queue is consumed in order, one entry
 * per matching call, so "fail 2 then succeed" is exactly two failed attempts.
 */
export class FaultPlan {
  private readonly failures: Pending<RpcError>[] = [];
  private readonly corruptions: Pending<CorruptionKind>[] = [];
  private readonly latencies = new Map<string | undefined, number>();

  /** Answers the next `times` matching calls with RESOURCE_EXHAUSTED, as quota exhaustion does. */
  throttle(times: number, scope: FaultScope = {}): void {
    this.fail(times, { ...scope, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric \'Cryptographic requests\' (emulated)' });
  }

  /** Answers the next `times` matching calls with an error status (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    checkTimes(times);
    const status = options.status ?? 'UNAVAILABLE';
    if (!isRpcStatusName(status)) throw new RangeError(`unknown gRPC status ${String(status)}`);
    const message = options.message ?? `injected ${status}`;
    this.failures.push({ remaining: times, operation: options.operation, value: new RpcError(status, message) });
  }

  /** Damages the next `times` successful responses of matching calls. */
  corrupt(times: number, options: CorruptionOptions = {}): void {
    checkTimes(times);
    const kind = options.kind ?? 'checksum';
    if (!CORRUPTION_KINDS.includes(kind)) throw new RangeError(`unknown corruption kind ${String(kind)}`);
    this.corruptions.push({ remaining: times, operation: options.operation, value: kind });
  }

  /** Delays every matching call by `ms` before it is answered (0 removes the delay). */
  latency(ms: number, scope: FaultScope = {}): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
    if (ms === 0) this.latencies.delete(scope.operation);
    else this.latencies.set(scope.operation, ms);
  }

  /** The delay for `operation`: the larger of its own and the all-methods one. */
  delayFor(operation: string): number {
    return Math.max(this.latencies.get(operation) ?? 0, this.latencies.get(undefined) ?? 0);
  }

  /** Consumes and returns the failure due for this call, if any. */
  takeFailure(operation: string): RpcError | undefined {
    return take(this.failures, operation);
  }

  /** The damage due to this call's response, if any, left queued until `takeCorruption`. */
  peekCorruption(operation: string): CorruptionKind | undefined {
    return this.corruptions.find((entry) => matches(entry, operation))?.value;
  }

  /** Consumes the damage due to this call's response: only a call that succeeded uses it up. */
  takeCorruption(operation: string): CorruptionKind | undefined {
    return take(this.corruptions, operation);
  }

  clear(): void {
    this.failures.length = 0;
    this.corruptions.length = 0;
    this.latencies.clear();
  }
}

function take<T>(queue: Pending<T>[], operation: string): T | undefined {
  const index = queue.findIndex((entry) => matches(entry, operation));
  if (index < 0) return undefined;
  const entry = queue[index]!;
  entry.remaining -= 1;
  if (entry.remaining <= 0) queue.splice(index, 1);
  return entry.value;
}

function matches(entry: Pending<unknown>, operation: string): boolean {
  return entry.operation === undefined || entry.operation === operation;
}

function checkTimes(times: number): void {
  if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
    throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
  }
}
