import type { Transform } from 'node:stream';
import { sessionTransform } from '../stream/sessionTransform.js';
import type { EncryptionContext } from '../format/context.js';
import type { LimitOverrides } from '../format/limits.js';
import { DecryptSession } from '../message/decryptSession.js';
import { startEncryption, type EncryptSession } from '../message/encryptSession.js';
import type { KeyringInput } from '../message/options.js';

export interface RotateOptions {
  /** Keys that can open the current envelope. */
  readonly keyring: KeyringInput;
  /** Keys the new envelope is wrapped under. */
  readonly newKeyring: KeyringInput;
  readonly expectedContext?: EncryptionContext;
  readonly limits?: LimitOverrides;
  /** Frame size of the new envelope; default the old one's. */
  readonly frameSize?: number;
}

/**
 * Full rotation: decrypts and re-encrypts under a new data key, keeping the
 * encryption context. Needed when a data key may be exposed, or to cut off a
 * reader who may have kept an old copy's key; `rewrap` suffices to add keys or
 * retire a key-encryption key. Verified plaintext goes straight into the new
 * envelope, frame by frame, in constant memory.
 */
export class RotateSession {
  private readonly decryption: DecryptSession;
  private encryption: EncryptSession | undefined;

  constructor(private readonly options: RotateOptions) {
    this.decryption = new DecryptSession({
      keyring: options.keyring,
      ...(options.expectedContext ? { expectedContext: options.expectedContext } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  async update(chunk: Uint8Array): Promise<Uint8Array[]> {
    const plaintext = await this.decryption.update(chunk);
    const out: Uint8Array[] = [];
    const header = this.decryption.header;
    if (!this.encryption && header) {
      this.encryption = await startEncryption({
        keyring: this.options.newKeyring,
        context: header.context,
        frameSize: this.options.frameSize ?? header.frameSize,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
      });
      out.push(this.encryption.header);
    }
    // The sealer may hold these pieces until its frame fills, so they are not zeroed here.
    for (const piece of plaintext) out.push(...this.encryption!.sealer.update(piece));
    return out;
  }

  final(): Uint8Array[] {
    this.decryption.final();
    return this.encryption!.sealer.final();
  }

  dispose(): void {
    this.decryption.dispose();
    this.encryption?.sealer.dispose();
  }
}

export async function rotate(envelope: Uint8Array, options: RotateOptions): Promise<Uint8Array> {
  const session = new RotateSession(options);
  try {
    const pieces = await session.update(envelope);
    return Buffer.concat([...pieces, ...session.final()]);
  } finally {
    session.dispose();
  }
}

export function rotateStream(options: RotateOptions): Transform {
  return sessionTransform(new RotateSession(options));
}
