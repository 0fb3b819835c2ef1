import { FrameOpener } from '../crypto/frameOpener.js';
import { zeroize } from '../crypto/keySchedule.js';
import type { EncryptionContext } from '../format/context.js';
import { HeaderReader, type HeaderRead } from '../format/headerReader.js';
import { resolveLimits, type LimitOverrides, type Limits } from '../format/limits.js';
import type { DataKeySource } from '../keyring/keyring.js';
import { requireBytes, toDataKeySource, type KeyringInput } from '../message/options.js';
import { rewrapHeader, type KeyChanges, type RewrapReport } from './rewrapHeader.js';

export interface RewrapOptions extends KeyChanges {
  /** Keys that can unwrap the envelope's data key (it is needed to re-authenticate the header). */
  readonly keyring: KeyringInput;
  /** Pairs the envelope's context must have. */
  readonly expectedContext?: EncryptionContext;
  readonly limits?: LimitOverrides;
  /**
   * Check every body frame while copying it (default true), so a rewrapped
   * envelope is known to be whole. The body bytes are copied unchanged either way.
   */
  readonly verifyBody?: boolean;
}

/**
 * Rewraps an envelope fed in chunks: a new header out first, then the body
 * bytes exactly as they came, in constant memory.
 */
export class RewrapSession {
  private readonly limits: Limits;
  private readonly source: DataKeySource;
  private readonly headerReader: HeaderReader;
  private verifier: FrameOpener | undefined;
  private bodyStarted = false;
  private _report: RewrapReport | undefined;

  constructor(private readonly options: RewrapOptions) {
    this.limits = resolveLimits(options?.limits);
    this.source = toDataKeySource(options?.keyring);
    this.headerReader = new HeaderReader(this.limits);
  }

  /** What changed, once the header is rewritten. */
  get report(): RewrapReport | undefined {
    return this._report;
  }

  /** Output for this chunk: synchronously once the new header is out, a promise until then. */
  update(chunk: Uint8Array): Uint8Array[] | Promise<Uint8Array[]> {
    requireBytes(chunk, 'envelope bytes');
    if (this.bodyStarted) return this.body(chunk);
    const read = this.headerReader.push(chunk);
    if (!read) return [];
    return this.startBody(read);
  }

  private async startBody(read: HeaderRead): Promise<Uint8Array[]> {
    const { header, report, bodyKey } = await rewrapHeader(read.parsed, this.source, this.options, this.limits, this.options.expectedContext);
    this._report = report;
    if (this.options.verifyBody ?? true) this.verifier = new FrameOpener(bodyKey, read.parsed.header.frameSize);
    else zeroize(bodyKey);
    this.bodyStarted = true;
    return [header, ...this.body(read.rest)];
  }

  final(): void {
    if (!this.bodyStarted) throw this.headerReader.truncated();
    this.verifier?.final();
  }

  dispose(): void {
    this.verifier?.dispose();
  }

  private body(bytes: Uint8Array): Uint8Array[] {
    if (this.verifier) zeroize(...this.verifier.update(bytes));
    return bytes.length > 0 ? [bytes] : [];
  }
}
