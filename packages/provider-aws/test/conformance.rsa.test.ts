import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { keyIdOf, localKey, startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture | undefined;

// KMS takes no OAEP label, so RSA keys leave the context to the envelope header.
describeKeyWrapperConformance('awskms RSA_2048 (RSAES_OAEP_SHA_256) against the KMS emulator', {
  bindsContext: false,
  async setup() {
    fixture = await startKms();
    const [arnA, arnB] = await Promise.all([fixture.createKey({ spec: 'RSA_2048' }), fixture.createKey({ spec: 'RSA_2048' })]);
    return {
      keyA: fixture.wrapper(`awskms:///${arnA}`),
      keyB: fixture.wrapper(`awskms://${keyIdOf(arnB)}?region=us-east-1`),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
