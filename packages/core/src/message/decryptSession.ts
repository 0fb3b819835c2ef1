import { FrameOpener } from '../crypto/frameOpener.js';
import { verifyHeader } from '../crypto/headerAuth.js';
import { deriveMessageKeys, zeroize, zeroizeKeys, type MessageKeys } from '../crypto/keySchedule.js';
import { checkExpectedContext } from '../format/context.js';
import type { EnvelopeHeader, ParsedHeader } from '../format/header.js';
import { HeaderReader } from '../format/headerReader.js';
import { resolveLimits, type Limits } from '../format/limits.js';
import type { DataKeySource } from '../keyring/keyring.js';
import { requireBytes, toDataKeySource, type DecryptOptions } from './options.js';

/**
 * Decrypts an envelope fed in chunks of any size. Until the header is whole
 * it buffers (within the limits); then it unwraps the data key, checks the
 * context, the key commitment and the header tag, and from there returns
 * verified plaintext frame by frame. Calls must not overlap.
 */
export class DecryptSession {
  private readonly limits: Limits;
  private readonly source: DataKeySource;
  private readonly headerReader: HeaderReader;
  private opener: FrameOpener | undefined;
  private parsed: ParsedHeader | undefined;

  constructor(private readonly options: DecryptOptions) {
    this.limits = resolveLimits(options?.limits);
    this.source = toDataKeySource(options?.keyring);
    this.headerReader = new HeaderReader(this.limits);
  }

  /** The verified header, once it has been read. */
  get header(): EnvelopeHeader | undefined {
    return this.opener ? this.parsed?.header : undefined;
  }

  /**
   * Verified plaintext from this chunk. Synchronous once the header is read
   * (no promise per chunk on the hot path); a promise while the data key is
   * being unwrapped.
   */
  update(chunk: Uint8Array): Uint8Array[] | Promise<Uint8Array[]> {
    requireBytes(chunk, 'envelope bytes');
    if (this.opener) return this.opener.update(chunk);
    const read = this.headerReader.push(chunk);
    if (!read) return [];
    this.parsed = read.parsed;
    return this.openBody(read.parsed).then((opener) => {
      this.opener = opener;
      return opener.update(read.rest);
    });
  }

  /** Call at end of input: throws unless the whole envelope was read and verified. */
  final(): void {
    if (!this.opener) throw this.headerReader.truncated();
    this.opener.final();
  }

  /** Forgets the body key (after an error, or when the caller gives up). */
  dispose(): void {
    this.opener?.dispose();
  }

  private async openBody(parsed: ParsedHeader): Promise<FrameOpener> {
    const { header } = parsed;
    // Checked before any key service call; the header tag authenticates it below.
    checkExpectedContext(header.context, this.options.expectedContext ?? {}, this.options.requiredContextKeys);
    const dataKey = await this.source.unwrapDataKey(header.wrappedKeys, header.suite.dataKeyLength, header.context);
    let keys: MessageKeys | undefined;
    try {
      keys = deriveMessageKeys(dataKey, header.messageId, header.suite);
      verifyHeader(parsed, keys);
      zeroize(keys.headerKey);
      return new FrameOpener(keys.bodyKey, header.frameSize);
    } catch (error) {
      zeroizeKeys(keys);
      throw error;
    } finally {
      zeroize(dataKey);
    }
  }
}
