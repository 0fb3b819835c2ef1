import { EnvelopeError, ErrorCode } from '../errors.js';

/** An algorithm suite: the fixed set of primitives one envelope uses. */
export interface Suite {
  readonly id: number;
  readonly name: string;
  /** Bytes of the data key (DEK) the key wrappers wrap. */
  readonly dataKeyLength: number;
}

/** Suite 0x0001: AES-256-GCM frames, HKDF-SHA-256 key schedule, HMAC-SHA-256 header tag, key commitment. */
export const SUITE_AES256GCM_HKDF_SHA256_COMMIT: Suite = Object.freeze({
  id: 0x0001,
  name: 'AES-256-GCM/HKDF-SHA-256/HMAC-SHA-256, key-committing',
  dataKeyLength: 32,
});

export const DEFAULT_SUITE = SUITE_AES256GCM_HKDF_SHA256_COMMIT;

const SUITES: ReadonlyMap<number, Suite> = new Map([[DEFAULT_SUITE.id, DEFAULT_SUITE]]);

export function suiteById(id: number): Suite {
  const suite = SUITES.get(id);
  if (!suite) {
    const known = [...SUITES.keys()].map(hex16).join(', ');
    throw new EnvelopeError(ErrorCode.UNSUPPORTED_SUITE, `algorithm suite ${hex16(id)} is not supported (this library reads ${known})`);
  }
  return suite;
}

function hex16(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}
