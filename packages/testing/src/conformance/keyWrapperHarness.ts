import type { KeyWrapper } from '@envelope-kit/core';

/** The keys a harness hands the conformance suite. */
export interface ConformanceKeys {
  /** A wrapper over one key of the backend under test. */
  readonly keyA: KeyWrapper;
  /** A wrapper over a second, distinct key of the same backend. */
  readonly keyB: KeyWrapper;
  /**
   * A wrapper of another provider (provider-local, say) to build mixed
   * keyrings with; the mixed-keyring tests check nothing when absent.
   */
  readonly companion?: KeyWrapper;
}

/**
 * What a provider gives the conformance suite (after go-cloud's
 * `drivertest.Harness`): two keys, and the one fact about its backend the
 * suite cannot discover.
 */
export interface KeyWrapperHarness {
  /**
   * Whether the backend itself refuses to unwrap under a different context
   * (KMS EncryptionContext, an RSA-OAEP label). When false the suite checks
   * that the claim is honest: the context is then bound by the envelope header only.
   */
  readonly bindsContext: boolean;
  /** Makes the keys; runs once before the suite's tests. */
  setup(): Promise<ConformanceKeys>;
  /** Releases what `setup` made; runs once after the suite, even when tests failed. */
  teardown?(): Promise<void>;
  /** Per-test timeout in ms. Default 30 000; raise it for remote backends. */
  readonly timeoutMs?: number;
  /** Wraps and unwraps run at once in the concurrency test. Default 100. */
  readonly concurrency?: number;
}
