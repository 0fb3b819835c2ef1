import { FaultPlan } from '../shared/faultPlan.js';
import { FaultQueue, type FaultScope } from '../shared/faultQueue.js';
import { isRpcStatusName, RpcError, type RpcStatusName } from './rpcError.js';

export type { FaultScope } from '../shared/faultQueue.js';

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

/**
 * Queued error statuses and latency, as every emulator has, plus a second
 * queue of damaged responses, consumed in order the same way.
 */
export class GcpFaultPlan extends FaultPlan<RpcError> {
  readonly #corruptions = new FaultQueue<CorruptionKind>();

  /** Answers the next `times` matching calls with RESOURCE_EXHAUSTED, as quota exhaustion does. */
  throttle(times: number, scope: FaultScope = {}): void {
    this.fail(times, { ...scope, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric \'Cryptographic requests\' (emulated)' });
  }

  /** Answers the next `times` matching calls with an error status (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    this.failures.push(times, options, () => {
      const status = options.status ?? 'UNAVAILABLE';
      if (!isRpcStatusName(status)) throw new RangeError(`unknown gRPC status ${String(status)}`);
      return new RpcError(status, options.message ?? `injected ${status}`);
    });
  }

  /** Damages the next `times` successful responses of matching calls. */
  corrupt(times: number, options: CorruptionOptions = {}): void {
    this.#corruptions.push(times, options, () => {
      const kind = options.kind ?? 'checksum';
      if (!CORRUPTION_KINDS.includes(kind)) throw new RangeError(`unknown corruption kind ${String(kind)}`);
      return kind;
    });
  }

  /** The damage due to this call's response, if any, left queued until `takeCorruption`. */
  peekCorruption(operation: string): CorruptionKind | undefined {
    return this.#corruptions.peek(operation);
  }

  /** Consumes the damage due to this call's response: only a call that succeeded uses it up. */
  takeCorruption(operation: string): CorruptionKind | undefined {
    return this.#corruptions.take(operation);
  }

  override clear(): void {
    super.clear();
    this.#corruptions.clear();
  }
}
