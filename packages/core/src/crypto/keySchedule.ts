import { hkdfSync, randomBytes } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { MESSAGE_ID_LENGTH } from '../format/header.js';
import type { Suite } from '../format/suite.js';

/** Keys for one message, derived from its data key and message id. */
export interface MessageKeys {
  /** Stored in the header; proves which data key the envelope was made with. */
  readonly commitment: Buffer;
  /** HMAC-SHA-256 key for the header tag. */
  readonly headerKey: Buffer;
  /** AES-256-GCM key for the body frames. */
  readonly bodyKey: Buffer;
}

const KEY_SCHEDULE_LABEL = Buffer.from('envelope-kit/v1 message keys', 'ascii');

/**
 * HKDF-SHA-256(ikm = data key, salt = message id, info = label || u16 suite id),
 * 96 bytes split as commitment || header key || body key (docs/format.md).
 * A fresh random message id gives every message its own keys, even when a
 * cached data key is reused across messages.
 */
export function deriveMessageKeys(dataKey: Uint8Array, messageId: Uint8Array, suite: Suite): MessageKeys {
  if (dataKey.length !== suite.dataKeyLength) {
    throw new EnvelopeError(ErrorCode.UNWRAP_FAILED, `data key is ${dataKey.length} bytes, suite needs ${suite.dataKeyLength}`);
  }
  const info = Buffer.alloc(KEY_SCHEDULE_LABEL.length + 2);
  KEY_SCHEDULE_LABEL.copy(info);
  info.writeUInt16BE(suite.id, KEY_SCHEDULE_LABEL.length);
  const okm = Buffer.from(hkdfSync('sha256', dataKey, messageId, info, 96));
  return {
    commitment: okm.subarray(0, 32),
    headerKey: okm.subarray(32, 64),
    bodyKey: okm.subarray(64, 96),
  };
}

export function newMessageId(): Buffer {
  return randomBytes(MESSAGE_ID_LENGTH);
}

/** Overwrites secret bytes once they are no longer needed. */
export function zeroize(...secrets: (Uint8Array | undefined)[]): void {
  for (const secret of secrets) secret?.fill(0);
}

export function zeroizeKeys(keys: MessageKeys | undefined): void {
  if (keys) zeroize(keys.commitment, keys.headerKey, keys.bodyKey);
}
