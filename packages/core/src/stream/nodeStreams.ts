import { Transform, type TransformCallback } from 'node:stream';
import { EnvelopeError, ErrorCode } from '../errors.js';
import type { EnvelopeHeader } from '../format/header.js';
import { DecryptSession } from '../message/decryptSession.js';
import { startEncryption, type EncryptSession } from '../message/encryptSession.js';
import type { DecryptOptions, EncryptOptions } from '../message/options.js';
import { deferred } from '../util/deferred.js';
import { sessionTransform } from './sessionTransform.js';

/**
 * A Node Transform from plaintext to envelope bytes, holding at most one
 * frame of plaintext. Key wrapping happens when the stream is constructed.
 */
export function encryptStream(options: EncryptOptions): Transform {
  let session: EncryptSession | undefined;
  let headerSent = false;
  const sendHeader = (stream: Transform): void => {
    if (!headerSent) stream.push(session!.header);
    headerSent = true;
  };
  return new Transform({
    // Room for a few frames, so pushing one does not signal backpressure every time.
    readableHighWaterMark: 256 * 1024,
    construct(callback) {
      startEncryption(options).then((started) => {
        session = started;
        callback();
      }, callback);
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        sendHeader(this);
        for (const frame of session!.sealer.update(chunk)) this.push(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        sendHeader(this);
        for (const frame of session!.sealer.final()) this.push(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      session?.sealer.dispose();
      callback(error);
    },
  });
}

/** A decrypting Transform that also tells when the header has verified. */
export interface DecryptStream extends Transform {
  /**
   * Resolves with the verified header (context included) before any plaintext
   * is pushed; rejects if the stream fails first. The stream also emits it as
   * a `'header'` event.
   */
  readonly header: Promise<EnvelopeHeader>;
}

/**
 * A Node Transform from envelope bytes to plaintext. Each frame's plaintext
 * is pushed only after its tag verifies; the stream errors (TRUNCATED) if
 * the input ends before the final frame, so consumers must treat output as
 * complete only when the stream finishes without error.
 */
export function decryptStream(options: DecryptOptions): DecryptStream {
  const session = new DecryptSession(options);
  const verified = deferred<EnvelopeHeader>();
  let announced = false;
  const stream = sessionTransform(session, {
    afterUpdate(transform) {
      if (announced || !session.header) return;
      announced = true;
      verified.resolve(session.header);
      transform.emit('header', session.header);
    },
    onDestroy: (error) => verified.reject(error ?? new EnvelopeError(ErrorCode.TRUNCATED, 'stream closed before the header was read')),
  });
  return Object.assign(stream, { header: verified.promise });
}
