import { createDecipheriv } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { frameAad, frameNonce, TAG_LENGTH } from '../format/frame.js';
import { FrameReader, type RawFrame } from '../format/frameReader.js';
import { zeroize } from './keySchedule.js';

/**
 * Decrypts body bytes as they arrive and returns each frame's plaintext only
 * after its tag has verified. `final()` fails unless the final frame was
 * seen, so a truncated body never passes for a whole one.
 */
export class FrameOpener {
  private readonly reader: FrameReader;

  constructor(
    private readonly bodyKey: Buffer,
    frameSize: number,
  ) {
    this.reader = new FrameReader(frameSize);
  }

  update(body: Uint8Array): Uint8Array[] {
    this.reader.push(body);
    const out: Uint8Array[] = [];
    for (let frame = this.reader.next(); frame; frame = this.reader.next()) this.open(frame, out);
    if (this.reader.finished) this.dispose();
    return out;
  }

  /** Call at end of input: throws TRUNCATED unless the final frame verified. */
  final(): void {
    try {
      this.reader.end();
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    zeroize(this.bodyKey);
  }

  private open(frame: RawFrame, out: Uint8Array[]): void {
    const decipher = createDecipheriv('aes-256-gcm', this.bodyKey, frameNonce(frame.type, frame.sequence), {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAAD(frameAad(frame.type, frame.sequence, frame.plaintextLength));
    decipher.setAuthTag(frame.tag);
    const plaintext = frame.ciphertext.map((piece) => decipher.update(piece));
    try {
      decipher.final();
    } catch (cause) {
      zeroize(...plaintext);
      throw new EnvelopeError(ErrorCode.INTEGRITY_FAILURE, `frame ${frame.sequence} failed authentication`, { cause });
    }
    out.push(...plaintext);
  }
}
