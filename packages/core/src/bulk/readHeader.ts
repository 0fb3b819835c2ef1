import { createReadStream } from 'node:fs';
import { ErrorCode, isEnvelopeError } from '../errors.js';
import type { LimitOverrides } from '../format/limits.js';
import { inspect, type EnvelopeInfo } from '../message/inspect.js';

/** A file's envelope header, or undefined when the file is not an envelope at all. */
export async function readHeader(path: string, limits: LimitOverrides | undefined): Promise<EnvelopeInfo | undefined> {
  try {
    return await inspect(createReadStream(path), { scanBody: false, ...(limits ? { limits } : {}) });
  } catch (error) {
    if (isEnvelopeError(error, ErrorCode.MALFORMED) && error.message.startsWith('not an Envelope Kit envelope')) return undefined;
    throw error;
  }
}
