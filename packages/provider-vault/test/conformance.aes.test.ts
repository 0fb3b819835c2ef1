import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startVault, type VaultFixture } from './support.js';

let fixture: VaultFixture | undefined;

// Non-derived AES-GCM: the context goes to Vault as associated_data, so Vault binds it.
describeKeyWrapperConformance('vault aes256-gcm96 (associated_data) against the Vault emulator', {
  bindsContext: true,
  async setup() {
    fixture = await startVault();
    await fixture.createKey('conformance-a');
    await fixture.createKey('conformance-b');
    return {
      keyA: fixture.wrapper('vault://transit/keys/conformance-a'),
      keyB: fixture.wrapper('vault://transit/keys/conformance-b'),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
