/**
 * Body frame layout (docs/format.md, "Body"). Every frame but the last holds
 * exactly `frameSize` plaintext bytes; the final frame holds fewer (maybe 0)
 * and says how many. Type and sequence number enter both nonce and AAD, so
 * frames cannot be reordered, dropped, duplicated or cut off unnoticed.
 */
export const FrameType = { REGULAR: 0x00, FINAL: 0x01 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const TAG_LENGTH = 16;
export const NONCE_LENGTH = 12;
/** type (1) */
export const REGULAR_PREFIX_LENGTH = 1;
/** type (1) + plaintext length (4) */
export const FINAL_PREFIX_LENGTH = 5;

/** nonce = 0x000000 || type || u64 sequence number */
export function frameNonce(type: FrameType, sequence: number): Buffer {
  const nonce = Buffer.alloc(NONCE_LENGTH);
  nonce[3] = type;
  writeU64(nonce, sequence, 4);
  return nonce;
}

/** AAD = u64 sequence number || type || u32 plaintext length */
export function frameAad(type: FrameType, sequence: number, plaintextLength: number): Buffer {
  const aad = Buffer.alloc(13);
  writeU64(aad, sequence, 0);
  aad[8] = type;
  aad.writeUInt32BE(plaintextLength, 9);
  return aad;
}

/** Big-endian u64 of a sequence number (below 2^32 frames, but written in full), without a BigInt per frame. */
function writeU64(target: Buffer, value: number, offset: number): void {
  target.writeUInt32BE(Math.floor(value / 2 ** 32), offset);
  target.writeUInt32BE(value >>> 0, offset + 4);
}

/** Bytes one frame occupies in the body. */
export function frameLength(type: FrameType, plaintextLength: number): number {
  return (type === FrameType.FINAL ? FINAL_PREFIX_LENGTH : REGULAR_PREFIX_LENGTH) + plaintextLength + TAG_LENGTH;
}
