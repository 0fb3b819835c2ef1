import { createHmac, timingSafeEqual } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '../errors.js';
import type { ParsedHeader } from '../format/header.js';
import type { MessageKeys } from './keySchedule.js';

export function headerTag(keys: MessageKeys, authenticated: Uint8Array): Buffer {
  return createHmac('sha256', keys.headerKey).update(authenticated).digest();
}

/**
 * Checks key commitment, then the header tag, both in constant time, before
 * any body byte is decrypted. A data key that did not make this envelope
 * fails the commitment, so no envelope opens to two plaintexts.
 */
export function verifyHeader(parsed: ParsedHeader, keys: MessageKeys): void {
  if (!timingSafeEqual(keys.commitment, parsed.header.commitment)) {
    throw new EnvelopeError(ErrorCode.INTEGRITY_FAILURE, 'key commitment does not match: the data key did not make this envelope');
  }
  if (!timingSafeEqual(headerTag(keys, parsed.authenticated), parsed.header.tag)) {
    throw new EnvelopeError(ErrorCode.INTEGRITY_FAILURE, 'header tag does not verify: the header was altered');
  }
}
