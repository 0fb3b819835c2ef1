import { headerTag } from '../crypto/headerAuth.js';
import { FrameSealer } from '../crypto/frameSealer.js';
import { deriveMessageKeys, newMessageId, zeroize } from '../crypto/keySchedule.js';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { encodeContext } from '../format/context.js';
import { encodeHeaderFields } from '../format/header.js';
import { checkFrameSize, FIELD_BOUNDS, resolveLimits } from '../format/limits.js';
import { DEFAULT_SUITE } from '../format/suite.js';
import type { DataKeyUsage } from '../keyring/keyring.js';
import { toDataKeySource, type EncryptOptions } from './options.js';

export interface EncryptSession {
  /** The authenticated header: the first bytes of the envelope. */
  readonly header: Buffer;
  /** Seals the body frames that follow the header. */
  readonly sealer: FrameSealer;
}

/**
 * Makes a data key, wraps it under every key, derives the message keys and
 * writes the header. The data key is zeroed before this returns; only the
 * body key lives on, inside the sealer.
 */
export async function startEncryption(options: EncryptOptions, usage: DataKeyUsage = {}): Promise<EncryptSession> {
  const suite = DEFAULT_SUITE;
  const limits = resolveLimits(options?.limits);
  const frameSize = options.frameSize ?? FIELD_BOUNDS.defaultFrameSize;
  checkFrameSize(frameSize, limits.maxFrameSize);
  const context = options.context ?? {};
  const contextBytes = encodeContext(context).length;
  if (contextBytes > limits.maxContextBytes) {
    throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `encryption context is ${contextBytes} bytes, over the limit of ${limits.maxContextBytes}`);
  }
  const { dataKey, wrappedKeys } = await toDataKeySource(options?.keyring).newDataKey(suite.dataKeyLength, context, usage);
  const messageId = newMessageId();
  const keys = deriveMessageKeys(dataKey, messageId, suite);
  zeroize(dataKey);
  try {
    if (wrappedKeys.length > limits.maxWrappedKeys) {
      throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `${wrappedKeys.length} wrapped keys are over the limit of ${limits.maxWrappedKeys}`);
    }
    const authenticated = encodeHeaderFields({ suite, messageId, frameSize, context, wrappedKeys, commitment: keys.commitment });
    const header = Buffer.concat([authenticated, headerTag(keys, authenticated)]);
    return { header, sealer: new FrameSealer(keys.bodyKey, frameSize) };
  } catch (error) {
    zeroize(keys.bodyKey);
    throw error;
  } finally {
    zeroize(keys.headerKey, keys.commitment);
  }
}
