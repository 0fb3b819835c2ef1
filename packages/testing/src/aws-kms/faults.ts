import { FaultPlan } from '../shared/faultPlan.js';
import type { FaultScope } from '../shared/faultQueue.js';
import { KmsError, type KmsErrorType } from './kmsError.js';

export type { FaultScope } from '../shared/faultQueue.js';

export interface FailureOptions extends FaultScope {
  /** The error to answer with. Default KMSInternalException (500, retried by the SDK). */
  readonly error?: KmsErrorType;
  readonly message?: string;
}

/** Queued KMS errors and latency; `FaultPlan` holds the queueing, this the errors KMS answers with. */
export class KmsFaultPlan extends FaultPlan<KmsError> {
  /** Answers the next `times` matching requests with ThrottlingException (`Infinity`: until cleared). */
  throttle(times: number, scope: FaultScope = {}): void {
    this.fail(times, { ...scope, error: 'ThrottlingException', message: 'Rate exceeded' });
  }

  /** Answers the next `times` matching requests with an error (`Infinity`: until cleared). */
  fail(times: number, options: FailureOptions = {}): void {
    const type = options.error ?? 'KMSInternalException';
    this.failures.push(times, options, () => new KmsError(type, options.message ?? `injected ${type}`));
  }
}
