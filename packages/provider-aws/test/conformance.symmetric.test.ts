import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startKms, type KmsFixture } from './support.js';

let fixture: KmsFixture | undefined;

// Key A is named by ARN, key B by alias: both must record and match the key ARN.
describeKeyWrapperConformance('awskms symmetric (SYMMETRIC_DEFAULT) against the KMS emulator', {
  bindsContext: true,
  async setup() {
    fixture = await startKms();
    const arnA = await fixture.createKey();
    await fixture.createKey({ alias: 'alias/conformance-b' });
    return {
      keyA: fixture.wrapper(`awskms:///${arnA}`),
      keyB: fixture.wrapper('awskms://alias/conformance-b?region=us-east-1'),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
