import { FaultPlan } from '../shared/faultPlan.js';
import type { FaultScope } from '../shared/faultQueue.js';
import { KeyVaultError, type KeyVaultErrorCode } from './keyVaultError.js';

export type { FaultScope } from '../shared/faultQueue.js';

export interface ThrottleOptions extends FaultScope {
  /**
   * The Retry-After the 429 carries, in seconds. Default 0, so the SDK retries
   * at once and tests stay fast; the SDK waits exactly this long, uncapped.
   */
  readonly retryAfterSeconds?: number;
}

export interface FailureOptions extends FaultScope {
  /** The error to answer with. Default InternalServerError (500, retried by the SDK). */
  readonly error?: KeyVaultErrorCode;
  readonly message?: string;
  /** `innererror.code`, e.g. KeyDisabled with Forbidden. */
  readonly innerCode?: string;
}

/** Queued Key Vault errors and latency; `FaultPlan` holds the queueing, this the errors Key Vault answers with. */
export class KeyVaultFaultPlan extends FaultPlan<KeyVaultError> {
  /** Answers the next `times` matching requests with 429 Throttled (`Infinity`: until cleared). */
  throttle(times: number, options: ThrottleOptions = {}): void {
    const retryAfter = options.retryAfterSeconds ?? 0;
    if (!Number.isInteger(retryAfter) || retryAfter < 0) throw new RangeError(`retryAfterSeconds must be a non-negative integer, got ${retryAfter}`);
    this.failures.push(times, options, () => new KeyVaultError(
      'Throttled',
      'Request was not processed because too many requests were received. Reason: injected by the emulator',
      { headers: { 'retry-after': String(retryAfter) } },
    ));
  }

  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    const code = options.error ?? 'InternalServerError';
    const message = options.message ?? `injected ${code}`;
    this.failures.push(times, options, () => new KeyVaultError(code, message, options.innerCode === undefined ? {} : { innerCode: options.innerCode }));
  }
}
