import { faultError, VAULT_FAULT_KINDS, type VaultError, type VaultFaultKind } from './vaultError.js';

/** Which requests a fault applies to: one operation (`decrypt`), or all when absent. */
export interface VaultFaultScope {
  readonly operation?: string;
}

export interface VaultFailureOptions extends VaultFaultScope {
  /** What to answer with. Default `internal` (500, which clients retry). */
  readonly error?: VaultFaultKind;
  /** Replaces Vault's message for that kind. */
  readonly message?: string;
}

interface PendingFailure {
  remaining: number;
  readonly operation: string | undefined;
  readonly kind: VaultFaultKind;
  readonly message: string | undefined;
}

/**
 * Faults queued for coming requests, consumed one per matching request in the
 * order they were queued, so "fail twice then succeed" is exactly two failed
 * attempts. The same semantics as the AWS KMS emulator's.
 */
export class VaultFaultPlan {
  private readonly failures: PendingFailure[] = [];
  private readonly latencies = new Map<string | undefined, number>();

  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: VaultFailureOptions = {}): void {
    if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    const kind = options.error ?? 'internal';
    if (!VAULT_FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind ${String(kind)} (known: ${VAULT_FAULT_KINDS.join(', ')})`);
    this.failures.push({ remaining: times, operation: options.operation, kind, message: options.message });
  }

  /** Delays every matching request by `ms` before it is answered (0 removes the delay). */
  latency(ms: number, scope: VaultFaultScope = {}): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
    if (ms === 0) this.latencies.delete(scope.operation);
    else this.latencies.set(scope.operation, ms);
  }

  /** The delay for `operation`: the larger of its own and the all-operations one. */
  delayFor(operation: string): number {
    return Math.max(this.latencies.get(operation) ?? 0, this.latencies.get(undefined) ?? 0);
  }

  /** Consumes and returns the failure due for this request, if any. */
  take(operation: string, vaultPath: string): VaultError | undefined {
    const index = this.failures.findIndex((f) => f.operation === undefined || f.operation === operation);
    if (index < 0) return undefined;
    const failure = this.failures[index]!;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return faultError(failure.kind, vaultPath, failure.message);
  }

  clear(): void {
    this.failures.length = 0;
    this.latencies.clear();
  }
}
