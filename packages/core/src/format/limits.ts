import { EnvelopeError, ErrorCode } from '../errors.js';

/**
 * Bounds a reader enforces before it allocates anything. Each configurable
 * limit has a hard ceiling that no configuration can lift.
 */
export interface Limits {
  /** Most wrapped keys one envelope may carry. */
  readonly maxWrappedKeys: number;
  /** Most bytes of encoded encryption context. */
  readonly maxContextBytes: number;
  /** Largest frame size a reader accepts (it buffers one frame). */
  readonly maxFrameSize: number;
}

export const HARD_LIMITS: Limits = Object.freeze({
  maxWrappedKeys: 256,
  maxContextBytes: 1024 * 1024,
  maxFrameSize: 16 * 1024 * 1024,
});

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxWrappedKeys: 16,
  maxContextBytes: 64 * 1024,
  maxFrameSize: HARD_LIMITS.maxFrameSize,
});

/** Field bounds fixed by format v1 (not configurable). */
export const FIELD_BOUNDS = Object.freeze({
  minFrameSize: 64,
  defaultFrameSize: 64 * 1024,
  maxProviderIdBytes: 255,
  maxKeyIdBytes: 2048,
  maxWrappedKeyBytes: 8192,
  /** Frame sequence numbers are 32-bit: at most 2^32 frames per envelope. */
  maxFrames: 2 ** 32,
});

/** Some limits, the rest left at their defaults. */
export type LimitOverrides = { readonly [K in keyof Limits]?: Limits[K] | undefined };

/** Merges caller limits over the defaults, refusing values past the hard ceilings. */
export function resolveLimits(overrides: LimitOverrides = {}): Limits {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const limits: Limits = { ...DEFAULT_LIMITS, ...given };
  for (const name of Object.keys(HARD_LIMITS) as (keyof Limits)[]) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1 || value > HARD_LIMITS[name]) {
      throw new EnvelopeError(
        ErrorCode.INVALID_ARGUMENT,
        `limit ${name} must be an integer from 1 to ${HARD_LIMITS[name]}, got ${String(value)}`,
      );
    }
  }
  return Object.freeze(limits);
}

/** Checks a frame size an encryptor was asked to use. */
export function checkFrameSize(frameSize: number, maxFrameSize = HARD_LIMITS.maxFrameSize): void {
  if (!Number.isSafeInteger(frameSize) || frameSize < FIELD_BOUNDS.minFrameSize || frameSize > maxFrameSize) {
    throw new EnvelopeError(
      ErrorCode.INVALID_ARGUMENT,
      `frame size must be an integer from ${FIELD_BOUNDS.minFrameSize} to ${maxFrameSize}, got ${String(frameSize)}`,
    );
  }
}
