import { EnvelopeError, ErrorCode } from '../errors.js';
import type { EncryptionContext } from '../format/context.js';
import type { EnvelopeHeader } from '../format/header.js';
import type { LimitOverrides } from '../format/limits.js';
import { Keyring, type DataKeySource } from '../keyring/keyring.js';
import type { KeyWrapper } from '../keyring/keyWrapper.js';

/** A keyring, a cache in front of one, a single key, or a list of keys. */
export type KeyringInput = DataKeySource | KeyWrapper | readonly KeyWrapper[];

export interface EncryptOptions {
  readonly keyring: KeyringInput;
  /** Non-secret pairs bound to the envelope (authenticated, and given to each key wrapper). */
  readonly context?: EncryptionContext;
  /** Plaintext bytes per frame: 64 to 16 MiB, default 64 KiB. */
  readonly frameSize?: number;
  /** Refuse to write an envelope that readers with these limits would refuse. */
  readonly limits?: LimitOverrides;
}

export interface DecryptOptions {
  readonly keyring: KeyringInput;
  /** Pairs that must be present in the envelope's context with these values. */
  readonly expectedContext?: EncryptionContext;
  /** Keys that must be present in the envelope's context, whatever their values. */
  readonly requiredContextKeys?: readonly string[];
  /** Bounds on what the header may claim (wrapped keys, context size, frame size). */
  readonly limits?: LimitOverrides;
}

export interface DecryptResult {
  readonly plaintext: Uint8Array;
  readonly context: EncryptionContext;
  readonly header: EnvelopeHeader;
}

export function toDataKeySource(input: KeyringInput | undefined): DataKeySource {
  if (Array.isArray(input)) return new Keyring(input as readonly KeyWrapper[]);
  if (input !== null && typeof input === 'object') {
    if ('newDataKey' in input && 'unwrapDataKey' in input) return input;
    if ('wrap' in input && 'unwrap' in input) return new Keyring([input]);
  }
  throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'keyring must be a Keyring, a DataKeySource, a KeyWrapper or a list of KeyWrappers');
}

/** Refuses anything but bytes where bytes are required (a typed error, not a TypeError deep inside). */
export function requireBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `${what} must be a Uint8Array (or Buffer), got ${value === null ? 'null' : typeof value}`);
}
