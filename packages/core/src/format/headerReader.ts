import { EnvelopeError, ErrorCode } from '../errors.js';
import { NeedMoreBytes } from './byteReader.js';
import { ByteQueue } from './byteQueue.js';
import { parseHeader, type ParsedHeader } from './header.js';
import type { Limits } from './limits.js';

/** A header read from chunks, and the body bytes that came with its last chunk. */
export interface HeaderRead {
  readonly parsed: ParsedHeader;
  readonly rest: Uint8Array;
}

/**
 * Accumulates chunks until the header is whole. Parsing is retried only once
 * enough bytes have arrived for the field that stopped it, and every length
 * is checked against the limits as soon as it is read.
 */
export class HeaderReader {
  private readonly pending = new ByteQueue();
  private needed = 0;

  constructor(private readonly limits: Limits) {}

  push(chunk: Uint8Array): HeaderRead | undefined {
    this.pending.push(chunk);
    if (this.pending.length < this.needed) return undefined;
    const bytes = this.pending.peekAll();
    try {
      const parsed = parseHeader(bytes, this.limits);
      return { parsed, rest: bytes.subarray(parsed.length) };
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      this.needed = error.needed;
      return undefined;
    }
  }

  /** The error for input that ended before the header did. */
  truncated(): EnvelopeError {
    return new EnvelopeError(
      ErrorCode.TRUNCATED,
      `envelope is truncated: it ends after ${this.pending.length} bytes, inside the header`,
    );
  }
}
