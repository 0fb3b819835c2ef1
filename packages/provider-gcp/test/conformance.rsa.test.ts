import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture | undefined;

// Asymmetric keys are named by version; Cloud KMS takes no OAEP label, so the header binds the context.
describeKeyWrapperConformance('gcpkms asymmetric (RSA_DECRYPT_OAEP_2048_SHA256) against the Cloud KMS emulator', {
  bindsContext: false,
  async setup() {
    fixture = await startKms();
    const [keyA, keyB] = await Promise.all([fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256'), fixture.createKey('RSA_DECRYPT_OAEP_2048_SHA256')]);
    return {
      keyA: fixture.wrapper(`${keyA}/cryptoKeyVersions/1`),
      keyB: fixture.wrapper(`${keyB}/cryptoKeyVersions/1`),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
