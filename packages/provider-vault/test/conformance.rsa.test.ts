import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startVault, type VaultFixture } from './support.js';

let fixture: VaultFixture | undefined;

// RSA keys take neither context nor associated_data: the envelope header alone binds the context.
describeKeyWrapperConformance('vault rsa-2048 (header-bound context) against the Vault emulator', {
  bindsContext: false,
  async setup() {
    fixture = await startVault();
    await Promise.all([fixture.createKey('rsa-a', { type: 'rsa-2048' }), fixture.createKey('rsa-b', { type: 'rsa-2048' })]);
    return {
      keyA: fixture.wrapper('vault://transit/keys/rsa-a'),
      keyB: fixture.wrapper('vault://transit/keys/rsa-b'),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
