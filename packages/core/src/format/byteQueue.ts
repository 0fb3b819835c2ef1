/**
 * Bytes arriving in chunks, read from the front without copying where a
 * read falls inside one chunk.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The first byte, without removing it. */
  peek(): number | undefined {
    return this.size === 0 ? undefined : this.chunks[0]![this.head];
  }

  /** Removes `length` bytes (at most `this.length`) as a list of views. */
  takePieces(length: number): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    let remaining = length;
    while (remaining > 0) {
      const chunk = this.chunks[0]!;
      const available = chunk.length - this.head;
      const n = Math.min(available, remaining);
      pieces.push(chunk.subarray(this.head, this.head + n));
      remaining -= n;
      if (n === available) {
        this.chunks.shift();
        this.head = 0;
      } else {
        this.head += n;
      }
    }
    this.size -= length;
    return pieces;
  }

  /** Removes `length` bytes as one contiguous view (copying only if they span chunks). */
  take(length: number): Uint8Array {
    const pieces = this.takePieces(length);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
  }

  /** Everything queued as one contiguous view, without removing it. */
  peekAll(): Uint8Array {
    if (this.chunks.length > 1 || this.head > 0) {
      const all = Buffer.concat(this.chunks.map((c, i) => (i === 0 ? c.subarray(this.head) : c)), this.size);
      this.chunks = all.length > 0 ? [all] : [];
      this.head = 0;
    }
    return this.chunks[0] ?? new Uint8Array(0);
  }
}
