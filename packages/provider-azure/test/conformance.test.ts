import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startVault, type VaultFixture } from './support.js';

let fixture: VaultFixture | undefined;

// Through the real SDK, over TLS, with the bearer challenge, against the emulator.
describeKeyWrapperConformance('azurekeyvault RSA-OAEP-256', {
  // Key Vault's RSA-OAEP takes no label: the envelope header binds the context.
  bindsContext: false,
  async setup() {
    fixture = await startVault();
    await fixture.createKey('conformance-a');
    await fixture.createKey('conformance-b');
    return {
      keyA: await fixture.wrapper(fixture.uri('conformance-a')),
      keyB: await fixture.wrapper(fixture.uri('conformance-b')),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
