import { EnvelopeError, ErrorCode } from '../errors.js';

/** Thrown by `ByteReader` when the bytes end before a field does. */
export class NeedMoreBytes extends Error {
  /** The total number of bytes the reader needs to make progress. */
  constructor(readonly needed: number) {
    super(`need ${needed} bytes`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over bytes that may be incomplete: reading past the end throws
 * `NeedMoreBytes`, so a streaming parser can wait for more and retry.
 */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get position(): number {
    return this.offset;
  }

  take(length: number): Uint8Array {
    const end = this.offset + length;
    if (end > this.bytes.length) throw new NeedMoreBytes(end);
    const slice = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return slice;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  u32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  }

  utf8(length: number, field: string): string {
    try {
      return utf8.decode(this.take(length));
    } catch (error) {
      if (error instanceof NeedMoreBytes) throw error;
      throw new EnvelopeError(ErrorCode.MALFORMED, `${field} is not valid UTF-8`);
    }
  }
}

/** Appends big-endian fields to a growing list of byte pieces. */
export class ByteWriter {
  private readonly pieces: Uint8Array[] = [];
  private size = 0;

  bytes(value: Uint8Array): this {
    this.pieces.push(value);
    this.size += value.length;
    return this;
  }

  u8(value: number): this {
    return this.bytes(Uint8Array.of(value));
  }

  u16(value: number): this {
    return this.bytes(Uint8Array.of(value >>> 8, value & 0xff));
  }

  u32(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value);
    return this.bytes(b);
  }

  get length(): number {
    return this.size;
  }

  toBytes(): Buffer {
    return Buffer.concat(this.pieces, this.size);
  }
}
