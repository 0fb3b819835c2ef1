import { ErrorCode } from '@envelope-kit/core';
import { describe, expect, it } from 'vitest';
import { parseVaultKeyUri, vaultKeyId } from '../src/index.js';

function refusal(uri: string): { code: string; message: string } {
  try {
    parseVaultKeyUri(uri);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error(`${uri} was accepted`);
}

describe('vault key URIs', () => {
  it('reads the mount and key name, the name being what follows the last /keys/', () => {
    expect(parseVaultKeyUri('vault://transit/keys/orders')).toEqual({ mount: 'transit', name: 'orders', namespace: undefined, binding: undefined });
    expect(parseVaultKeyUri('vault://team-a/transit/keys/orders.v2')).toMatchObject({ mount: 'team-a/transit', name: 'orders.v2' });
    expect(parseVaultKeyUri('vault://keys/keys/keys')).toMatchObject({ mount: 'keys', name: 'keys' });
    expect(parseVaultKeyUri('vault://Transit_2/keys/app@prod')).toMatchObject({ mount: 'Transit_2', name: 'app@prod' });
  });

  it('reads the namespace and the binding from the query', () => {
    expect(parseVaultKeyUri('vault://transit/keys/k?namespace=eu/payments&binding=context')).toEqual({
      mount: 'transit',
      name: 'k',
      namespace: 'eu/payments',
      binding: 'context',
    });
    expect(parseVaultKeyUri('vault://transit/keys/k?namespace=/eu/').namespace).toBe('eu');
    for (const binding of ['context', 'associated_data', 'none'] as const) {
      expect(parseVaultKeyUri(`vault://transit/keys/k?binding=${binding}`).binding).toBe(binding);
    }
  });

  it('names the key by its absolute Vault path, namespace first', () => {
    expect(vaultKeyId(parseVaultKeyUri('vault://transit/keys/k'))).toBe('transit/keys/k');
    expect(vaultKeyId(parseVaultKeyUri('vault://team-a/transit/keys/k?namespace=eu/payments'))).toBe('eu/payments/team-a/transit/keys/k');
  });

  it('refuses what is not a vault://MOUNT/keys/NAME URI, saying why', () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ['awskms://alias/x', /not a vault key URI/],
      ['vault:transit/keys/k', /not a vault key URI/],
      ['vault:///transit/keys/k', /mount/],
      ['vault://transit/k', /expected vault:\/\/MOUNT\/keys\/NAME/],
      ['vault://transit/keys/', /key name/],
      ['vault://transit/keys/a/b', /key name/],
      ['vault://transit/keys/-k', /key name/],
      ['vault://transit/keys/k.', /key name/],
      ['vault://tran sit/keys/k', /spaces/],
      ['vault://transit/keys/k#frag', /#/],
      ['vault://user@transit/keys/k', /mount/],
      ['vault://transit/keys/k%2F', /%/],
      ['vault://../keys/k', /mount/],
      ['vault://transit//x/keys/k', /mount/],
      ['vault://transit/keys/k?region=eu', /unknown parameter "region"/],
      ['vault://transit/keys/k?binding=context&binding=none', /more than once/],
      ['vault://transit/keys/k?binding=aad', /binding must be one of context, associated_data, none/],
      ['vault://transit/keys/k?namespace=', /empty/],
      ['vault://transit/keys/k?namespace=a//b', /namespace/],
    ];
    for (const [uri, reason] of cases) {
      const { code, message } = refusal(uri);
      expect(code, uri).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(message, uri).toMatch(reason);
    }
  });
});
