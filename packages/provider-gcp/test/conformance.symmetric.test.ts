import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture | undefined;

// Key A is named by its crypto key, key B by a version: both record the crypto key name.
describeKeyWrapperConformance('gcpkms symmetric (GOOGLE_SYMMETRIC_ENCRYPTION) against the Cloud KMS emulator', {
  bindsContext: true,
  async setup() {
    fixture = await startKms();
    const keyA = await fixture.createKey();
    const keyB = await fixture.createKey();
    return {
      keyA: fixture.wrapper(keyA),
      keyB: fixture.wrapper(`${keyB}/cryptoKeyVersions/1`),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
