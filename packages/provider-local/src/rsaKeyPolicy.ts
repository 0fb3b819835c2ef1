import type { KeyObject } from 'node:crypto';
import { EnvelopeError, ErrorCode } from '@envelope-kit/core';
import { LOCAL_OAEP_PARAMETERS } from './oaep.js';

/**
 * Refuses keys RSA-OAEP must not use, and returns the modulus size in bits.
 * `source` names where the key came from ("key file /x/key.pem") for messages.
 */
export function checkRsaKey(key: KeyObject, source = 'the key'): number {
  if (key.type === 'secret') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is a secret (symmetric) key; the local provider needs an RSA key`);
  }
  const type = key.asymmetricKeyType;
  // RSASSA-PSS keys carry a signature-only restriction in their SPKI; OpenSSL refuses them for OAEP.
  if (type === 'rsa-pss') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is an RSA-PSS (signature-only) key; the local provider needs a plain RSA (rsaEncryption) key`);
  }
  if (type !== 'rsa') {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} is a key of type ${type ?? 'unknown'}; the local provider needs an RSA key`);
  }
  const details = key.asymmetricKeyDetails;
  const bits = details?.modulusLength;
  if (bits === undefined || bits < LOCAL_OAEP_PARAMETERS.minModulusBits) {
    throw new EnvelopeError(
      ErrorCode.INVALID_KEY,
      `${source} is a ${bits ?? 'unknown'}-bit RSA key; at least ${LOCAL_OAEP_PARAMETERS.minModulusBits} bits are required`,
    );
  }
  // An even or tiny exponent is never a real RSA key; e = 1 would leave the padded key in the clear.
  const exponent = details?.publicExponent;
  if (exponent === undefined || exponent < 3n || exponent % 2n === 0n) {
    throw new EnvelopeError(ErrorCode.INVALID_KEY, `${source} has an invalid RSA public exponent`);
  }
  return bits;
}
