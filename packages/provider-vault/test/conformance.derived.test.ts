import { describeKeyWrapperConformance } from '@envelope-kit/testing';
import { localKey, startVault, type VaultFixture } from './support.js';

let fixture: VaultFixture | undefined;

// Derived keys: the context is Vault's key-derivation context (HKDF), so Vault binds it.
// Key B declares its binding in the URI, so it is never read.
describeKeyWrapperConformance('vault derived aes256-gcm96 (context) against the Vault emulator', {
  bindsContext: true,
  async setup() {
    fixture = await startVault();
    await fixture.createKey('derived-a', { derived: true });
    await fixture.createKey('derived-b', { derived: true });
    return {
      keyA: fixture.wrapper('vault://transit/keys/derived-a'),
      keyB: fixture.wrapper('vault://transit/keys/derived-b?binding=context'),
      companion: await localKey(),
    };
  },
  async teardown() {
    await fixture?.close();
  },
});
