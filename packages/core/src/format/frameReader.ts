import { EnvelopeError, ErrorCode } from '../errors.js';
import { ByteQueue } from './byteQueue.js';
import { FINAL_PREFIX_LENGTH, FrameType, TAG_LENGTH } from './frame.js';
import { FIELD_BOUNDS } from './limits.js';

/** One frame as it stands in the body, not yet decrypted. */
export interface RawFrame {
  readonly type: FrameType;
  readonly sequence: number;
  readonly plaintextLength: number;
  /** Views into the input; together `plaintextLength` bytes. */
  readonly ciphertext: readonly Uint8Array[];
  readonly tag: Uint8Array;
}

/**
 * Splits body bytes into frames as they arrive. Checks structure only
 * (types, lengths, nothing after the final frame); tags are the opener's job.
 */
export class FrameReader {
  private readonly pending = new ByteQueue();
  private sequence = 0;
  private finalLength: number | undefined;
  private done = false;

  constructor(private readonly frameSize: number) {}

  get finished(): boolean {
    return this.done;
  }

  push(bytes: Uint8Array): void {
    this.pending.push(bytes);
    if (this.done && this.pending.length > 0) {
      throw new EnvelopeError(ErrorCode.MALFORMED, 'envelope has bytes after its final frame');
    }
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): RawFrame | undefined {
    if (this.done) return undefined;
    if (this.finalLength === undefined) {
      const type = this.pending.peek();
      if (type === undefined) return undefined;
      if (type === FrameType.REGULAR) {
        if (this.pending.length < 1 + this.frameSize + TAG_LENGTH) return undefined;
        this.pending.take(1);
        return this.frame(FrameType.REGULAR, this.frameSize);
      }
      if (type !== FrameType.FINAL) {
        throw new EnvelopeError(ErrorCode.MALFORMED, `frame ${this.sequence} has unknown type 0x${type.toString(16).padStart(2, '0')}`);
      }
      if (this.pending.length < FINAL_PREFIX_LENGTH) return undefined;
      const length = Buffer.from(this.pending.take(FINAL_PREFIX_LENGTH)).readUInt32BE(1);
      if (length >= this.frameSize) {
        throw new EnvelopeError(ErrorCode.MALFORMED, `final frame claims ${length} bytes; it must hold fewer than the frame size ${this.frameSize}`);
      }
      this.finalLength = length;
    }
    if (this.pending.length < this.finalLength + TAG_LENGTH) return undefined;
    const frame = this.frame(FrameType.FINAL, this.finalLength);
    this.done = true;
    if (this.pending.length > 0) throw new EnvelopeError(ErrorCode.MALFORMED, 'envelope has bytes after its final frame');
    return frame;
  }

  /** Call at end of input: throws TRUNCATED unless the final frame was read. */
  end(): void {
    if (!this.done) {
      const where = this.pending.length > 0 || this.finalLength !== undefined ? 'inside' : 'before';
      throw new EnvelopeError(ErrorCode.TRUNCATED, `envelope is truncated: it ends ${where} frame ${this.sequence}, before the final frame was read`);
    }
  }

  private frame(type: FrameType, plaintextLength: number): RawFrame {
    if (this.sequence >= FIELD_BOUNDS.maxFrames) {
      throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `envelope has more than ${FIELD_BOUNDS.maxFrames} frames`);
    }
    const ciphertext = this.pending.takePieces(plaintextLength);
    const tag = this.pending.take(TAG_LENGTH);
    return { type, sequence: this.sequence++, plaintextLength, ciphertext, tag };
  }
}
