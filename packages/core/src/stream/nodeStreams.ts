import { Transform, type TransformCallback } from 'node:stream';
import type { EnvelopeHeader } from '../format/header.js';
import { DecryptSession } from '../message/decryptSession.js';
import { startEncryption, type EncryptSession } from '../message/encryptSession.js';
import type { DecryptOptions, EncryptOptions } from '../message/options.js';

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

/** A decrypting Transform that emits `'header'` (the verified header) before any plaintext. */
export interface DecryptStream extends Transform {
  on(event: 'header', listener: (header: EnvelopeHeader) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'header', listener: (header: EnvelopeHeader) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

/**
 * A Node Transform from envelope bytes to plaintext. Each frame's plaintext
 * is pushed only after its tag verifies; the stream errors (TRUNCATED) if
 * the input ends before the final frame, so consumers must treat output as
 * complete only when the stream finishes without error.
 */
export function decryptStream(options: DecryptOptions): DecryptStream {
  const session = new DecryptSession(options);
  let headerEmitted = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      session.update(chunk).then((plaintext) => {
        if (!headerEmitted && session.header) {
          headerEmitted = true;
          this.emit('header', session.header);
        }
        for (const piece of plaintext) this.push(piece);
        callback();
      }, callback);
    },
    flush(callback) {
      try {
        session.final();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      session.dispose();
      callback(error);
    },
  }) as DecryptStream;
}
