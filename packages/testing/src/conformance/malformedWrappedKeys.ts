import { randomBytes } from 'node:crypto';
import type { WrappedKey } from '@envelope-kit/core';

export interface MalformedWrappedKey {
  readonly name: string;
  readonly wrapped: WrappedKey;
}

/**
 * Damaged copies of a good wrapped key: flipped bits at both ends and the
 * middle (where formats keep versions, key ids and tags), truncations,
 * an extension, and noise of the same length. None may unwrap.
 */
export function malformedWrappedKeys(good: WrappedKey): readonly MalformedWrappedKey[] {
  const bytes = Uint8Array.from(good.ciphertext);
  const length = bytes.length;
  const variant = (name: string, ciphertext: Uint8Array): MalformedWrappedKey => ({ name, wrapped: { ...good, ciphertext } });
  const flipped = (index: number): Uint8Array => {
    const copy = Uint8Array.from(bytes);
    copy[index] = (copy[index] ?? 0) ^ 0x01;
    return copy;
  };
  return [
    variant('first byte flipped', flipped(0)),
    variant('middle byte flipped', flipped(Math.floor(length / 2))),
    variant('last byte flipped', flipped(length - 1)),
    variant('last byte removed', bytes.slice(0, length - 1)),
    variant('truncated to half', bytes.slice(0, Math.max(1, Math.floor(length / 2)))),
    variant('a single byte', bytes.slice(0, 1)),
    variant('one byte appended', Uint8Array.from([...bytes, 0x00])),
    variant('random bytes of the same length', randomBytes(length)),
  ];
}
