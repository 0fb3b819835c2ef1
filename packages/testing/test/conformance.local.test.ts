import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { localKeyWrapper } from '@envelope-kit/provider-local';
import { describeKeyWrapperConformance } from '../src/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

async function localKey(): Promise<ReturnType<typeof localKeyWrapper>> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return localKeyWrapper(privateKey);
}

// provider-local binds the context itself: it is the RSA-OAEP label.
describeKeyWrapperConformance('provider-local (RSA-OAEP-SHA-256)', {
  bindsContext: true,
  async setup() {
    const [keyA, keyB, companion] = await Promise.all([localKey(), localKey(), localKey()]);
    return { keyA, keyB, companion };
  },
});
