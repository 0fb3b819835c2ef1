import type { EncryptionContext } from '../format/context.js';
import type { EnvelopeHeader } from '../format/header.js';
import type { Limits } from '../format/limits.js';
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
  readonly limits?: Partial<Limits>;
}

export interface DecryptOptions {
  readonly keyring: KeyringInput;
  /** Pairs that must be present in the envelope's context with these values. */
  readonly expectedContext?: EncryptionContext;
  /** Bounds on what the header may claim (wrapped keys, context size, frame size). */
  readonly limits?: Partial<Limits>;
}

export interface DecryptResult {
  readonly plaintext: Uint8Array;
  readonly context: EncryptionContext;
  readonly header: EnvelopeHeader;
}

export function toDataKeySource(input: KeyringInput): DataKeySource {
  if (Array.isArray(input)) return new Keyring(input as readonly KeyWrapper[]);
  if ('newDataKey' in input && 'unwrapDataKey' in input) return input;
  return new Keyring([input as KeyWrapper]);
}
