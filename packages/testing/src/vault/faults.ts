import { FaultPlan } from '../shared/faultPlan.js';
import type { FaultScope } from '../shared/faultQueue.js';
import { faultError, VAULT_FAULT_KINDS, type VaultError, type VaultFaultKind } from './vaultError.js';

/** Which requests a fault applies to: one operation (`decrypt`), or all when absent. */
export type VaultFaultScope = FaultScope;

export interface VaultFailureOptions extends VaultFaultScope {
  /** What to answer with. Default `internal` (500, which clients retry). */
  readonly error?: VaultFaultKind;
  /** Replaces Vault's message for that kind. */
  readonly message?: string;
}

// Vault's error names the request's path, so the fault is kept as a kind and made into an error per request.
interface QueuedFault {
  readonly kind: VaultFaultKind;
  readonly message: string | undefined;
}

/** Queued Vault faults and latency, with the same semantics as the other emulators'. */
export class VaultFaultPlan extends FaultPlan<QueuedFault> {
  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: VaultFailureOptions = {}): void {
    this.failures.push(times, options, () => {
      const kind = options.error ?? 'internal';
      if (!VAULT_FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind ${String(kind)} (known: ${VAULT_FAULT_KINDS.join(', ')})`);
      return { kind, message: options.message };
    });
  }

  /** Consumes the failure due for this request, if any, as the error for `vaultPath`. */
  takeError(operation: string, vaultPath: string): VaultError | undefined {
    const fault = this.take(operation);
    return fault && faultError(fault.kind, vaultPath, fault.message);
  }
}
