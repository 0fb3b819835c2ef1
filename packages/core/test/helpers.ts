import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { encodeContext, EnvelopeError, ErrorCode, type EncryptionContext, type KeyWrapper, type WrappedKey } from '../src/index.js';

/**
 * A key wrapper standing in for a KMS inside core's own tests: AES-256-GCM
 * under a random key-encryption key, with the context as AAD. Real providers
 * are tested against their emulators in their own packages.
 */
export class TestKms implements KeyWrapper {
  readonly providerId = 'test';
  readonly calls = { wrap: 0, unwrap: 0 };
  private readonly kek = randomBytes(32);

  constructor(readonly keyId: string) {}

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedKey> {
    this.calls.wrap++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(encodeContext(context));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { providerId: this.providerId, keyId: this.keyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  async unwrap(wrapped: WrappedKey, context: EncryptionContext): Promise<Uint8Array> {
    this.calls.unwrap++;
    const bytes = Buffer.from(wrapped.ciphertext);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, bytes.subarray(0, 12));
      decipher.setAAD(encodeContext(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    } catch (cause) {
      throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `test key ${this.keyId} could not unwrap`, { cause });
    }
  }
}

/** A wrapper that "unwraps" every wrapped key to one known data key (for replaying vectors). */
export function knownDataKey(providerId: string, keyId: string, dataKey: Uint8Array): KeyWrapper {
  return {
    providerId,
    keyId,
    wrap: async () => {
      throw new Error('knownDataKey only unwraps');
    },
    unwrap: async () => Buffer.from(dataKey),
  };
}

export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return out;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/** A readable that yields `data` in chunks of `chunkSize` bytes. */
export function chunked(data: Uint8Array, chunkSize: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/** Runs `action` and returns the EnvelopeError it throws (failing if it does not). */
export async function errorOf(action: () => unknown): Promise<EnvelopeError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw new Error(`expected an EnvelopeError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an EnvelopeError, but nothing was thrown');
}
