import type { EncryptionContext } from '../format/context.js';
import { frameLength } from '../format/frame.js';
import { FrameReader } from '../format/frameReader.js';
import type { ParsedHeader } from '../format/header.js';
import { HeaderReader } from '../format/headerReader.js';
import { resolveLimits, type LimitOverrides } from '../format/limits.js';
import type { WrappedKey } from '../keyring/keyWrapper.js';

/** What an envelope says about itself, read without any key. Nothing here is verified. */
export interface EnvelopeInfo {
  readonly formatVersion: number;
  readonly suite: { readonly id: number; readonly name: string };
  /** Hex. */
  readonly messageId: string;
  readonly frameSize: number;
  readonly context: EncryptionContext;
  readonly wrappedKeys: readonly WrappedKey[];
  readonly headerLength: number;
  /** Present when the whole envelope was read. */
  readonly body?: {
    readonly frames: number;
    /** Bytes of body on the wire. */
    readonly length: number;
    readonly plaintextLength: number;
  };
}

export interface InspectOptions {
  readonly limits?: LimitOverrides;
  /** Read past the header to count frames and lengths (default true). */
  readonly scanBody?: boolean;
}

/**
 * Reads an envelope's header (and, unless `scanBody` is false, walks its
 * frames) from bytes or from a stream of chunks, in constant memory.
 */
export async function inspect(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: InspectOptions = {},
): Promise<EnvelopeInfo> {
  const limits = resolveLimits(options.limits);
  const scanBody = options.scanBody ?? true;
  const chunks = source instanceof Uint8Array ? [source] : source;
  const headerReader = new HeaderReader(limits);
  let parsed: ParsedHeader | undefined;
  let frames: FrameReader | undefined;
  const body = { frames: 0, length: 0, plaintextLength: 0 };

  const scan = (bytes: Uint8Array): void => {
    frames!.push(bytes);
    for (let frame = frames!.next(); frame; frame = frames!.next()) {
      body.frames++;
      body.plaintextLength += frame.plaintextLength;
      body.length += frameLength(frame.type, frame.plaintextLength);
    }
  };

  for await (const chunk of chunks) {
    if (frames) {
      scan(chunk);
      continue;
    }
    const read = headerReader.push(chunk);
    if (!read) continue;
    parsed = read.parsed;
    if (!scanBody) break;
    frames = new FrameReader(parsed.header.frameSize);
    scan(read.rest);
  }
  if (!parsed) throw headerReader.truncated();
  frames?.end();
  const { header } = parsed;
  return {
    formatVersion: header.version,
    suite: { id: header.suite.id, name: header.suite.name },
    messageId: Buffer.from(header.messageId).toString('hex'),
    frameSize: header.frameSize,
    context: header.context,
    wrappedKeys: header.wrappedKeys,
    headerLength: parsed.length,
    ...(frames ? { body } : {}),
  };
}
