import { DecryptSession } from './decryptSession.js';
import type { DecryptOptions, DecryptResult } from './options.js';

/**
 * Decrypts a whole envelope. Returns nothing unless every frame verified and
 * the final frame was present.
 */
export async function decrypt(envelope: Uint8Array, options: DecryptOptions): Promise<DecryptResult> {
  const session = new DecryptSession(options);
  try {
    const pieces = await session.update(envelope);
    session.final();
    const header = session.header!;
    return { plaintext: Buffer.concat(pieces), context: header.context, header };
  } finally {
    session.dispose();
  }
}
