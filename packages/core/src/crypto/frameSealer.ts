import { createCipheriv } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { ByteQueue } from '../format/byteQueue.js';
import { frameAad, frameNonce, FrameType, TAG_LENGTH } from '../format/frame.js';
import { FIELD_BOUNDS } from '../format/limits.js';
import { zeroize } from './keySchedule.js';

/**
 * Cuts plaintext into frames and seals each with AES-256-GCM. Holds at most
 * one frame of plaintext, so memory stays flat whatever the message size.
 */
export class FrameSealer {
  private readonly pending = new ByteQueue();
  private sequence = 0;
  private finished = false;

  constructor(
    private readonly bodyKey: Buffer,
    private readonly frameSize: number,
  ) {}

  /** Seals every full frame now available; returns the frame bytes in order. */
  update(plaintext: Uint8Array): Uint8Array[] {
    this.assertOpen();
    this.pending.push(plaintext);
    const out: Uint8Array[] = [];
    while (this.pending.length >= this.frameSize) {
      this.seal(FrameType.REGULAR, this.pending.takePieces(this.frameSize), this.frameSize, out);
    }
    return out;
  }

  /** Seals the final frame (fewer than `frameSize` bytes, maybe none) and forgets the key. */
  final(): Uint8Array[] {
    this.assertOpen();
    const length = this.pending.length;
    const out: Uint8Array[] = [];
    this.seal(FrameType.FINAL, this.pending.takePieces(length), length, out);
    this.dispose();
    return out;
  }

  dispose(): void {
    this.finished = true;
    zeroize(this.bodyKey);
  }

  private seal(type: FrameType, pieces: Uint8Array[], length: number, out: Uint8Array[]): void {
    if (this.sequence >= FIELD_BOUNDS.maxFrames) {
      throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `message needs more than ${FIELD_BOUNDS.maxFrames} frames; use a larger frame size`);
    }
    const cipher = createCipheriv('aes-256-gcm', this.bodyKey, frameNonce(type, this.sequence), { authTagLength: TAG_LENGTH });
    cipher.setAAD(frameAad(type, this.sequence, length));
    if (type === FrameType.FINAL) {
      const prefix = Buffer.alloc(5);
      prefix[0] = type;
      prefix.writeUInt32BE(length, 1);
      out.push(prefix);
    } else {
      out.push(Uint8Array.of(type));
    }
    for (const piece of pieces) out.push(cipher.update(piece));
    cipher.final();
    out.push(cipher.getAuthTag());
    this.sequence++;
  }

  private assertOpen(): void {
    if (this.finished) throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'the message is already finished');
  }
}
