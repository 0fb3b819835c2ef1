import { Transform, type TransformCallback } from 'node:stream';

/** Anything that turns input chunks into output chunks, asynchronously, and can be told the input ended. */
export interface ChunkSession {
  /** Output for this chunk: synchronously when it can, else a promise. */
  update(chunk: Uint8Array): Uint8Array[] | Promise<Uint8Array[]>;
  /** Called at end of input; may return trailing output, or throw if the input was incomplete. */
  final(): Uint8Array[] | void;
  /** Forgets secrets; called when the stream is destroyed, by error or not. */
  dispose(): void;
}

/**
 * A Node Transform driving a session: one update per chunk (never
 * overlapping), `final` on end, `dispose` on destroy. `afterUpdate` runs after
 * each chunk, before its output is pushed.
 */
export function sessionTransform(
  session: ChunkSession,
  hooks: { readonly afterUpdate?: (stream: Transform) => void; readonly onDestroy?: (error: Error | null) => void } = {},
): Transform {
  return new Transform({
    // Room for a few frames, so pushing one does not signal backpressure every time.
    readableHighWaterMark: 256 * 1024,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const emit = (pieces: Uint8Array[]): void => {
        hooks.afterUpdate?.(this);
        for (const piece of pieces) this.push(piece);
        callback();
      };
      let result: Uint8Array[] | Promise<Uint8Array[]>;
      try {
        result = session.update(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (Array.isArray(result)) emit(result);
      else result.then(emit, callback);
    },
    flush(callback) {
      try {
        for (const piece of session.final() ?? []) this.push(piece);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      session.dispose();
      hooks.onDestroy?.(error);
      callback(error);
    },
  });
}
