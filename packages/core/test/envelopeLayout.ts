import { FrameType, TAG_LENGTH } from '../src/format/frame.js';
import { parseHeader } from '../src/format/header.js';
import { DEFAULT_LIMITS } from '../src/format/limits.js';

/** Where each frame of an envelope starts and ends, for tests that cut and splice. */
export function frameSpans(envelope: Uint8Array): { headerLength: number; frames: { start: number; end: number }[] } {
  const { header, length: headerLength } = parseHeader(envelope, DEFAULT_LIMITS);
  const frames: { start: number; end: number }[] = [];
  let offset = headerLength;
  while (offset < envelope.length) {
    const type = envelope[offset];
    const plaintextLength =
      type === FrameType.FINAL ? Buffer.from(envelope).readUInt32BE(offset + 1) : header.frameSize;
    const end = offset + (type === FrameType.FINAL ? 5 : 1) + plaintextLength + TAG_LENGTH;
    frames.push({ start: offset, end });
    offset = end;
  }
  return { headerLength, frames };
}
