import { DecryptSession } from '../message/decryptSession.js';
import { startEncryption, type EncryptSession } from '../message/encryptSession.js';
import { requireBytes, type DecryptOptions, type EncryptOptions } from '../message/options.js';

/** A Web `TransformStream` from plaintext to envelope bytes. */
export function encryptTransformStream(options: EncryptOptions): TransformStream<Uint8Array, Uint8Array> {
  let session: EncryptSession;
  return new TransformStream({
    async start(controller) {
      session = await startEncryption(options);
      controller.enqueue(session.header);
    },
    transform(chunk, controller) {
      for (const frame of session.sealer.update(requireBytes(chunk, 'plaintext chunk'))) controller.enqueue(frame);
    },
    flush(controller) {
      for (const frame of session.sealer.final()) controller.enqueue(frame);
    },
  });
}

/**
 * A Web `TransformStream` from envelope bytes to plaintext, enqueuing each
 * frame only after its tag verifies and erroring on truncation.
 */
export function decryptTransformStream(options: DecryptOptions): TransformStream<Uint8Array, Uint8Array> {
  const session = new DecryptSession(options);
  return new TransformStream({
    async transform(chunk, controller) {
      try {
        for (const piece of await session.update(chunk)) controller.enqueue(piece);
      } catch (error) {
        session.dispose();
        throw error;
      }
    },
    flush() {
      session.final();
    },
  });
}
