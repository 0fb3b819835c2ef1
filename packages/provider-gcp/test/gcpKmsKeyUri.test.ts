import { ErrorCode } from '@envelope-kit/core';
import { describe, expect, it } from 'vitest';
import { parseGcpKmsKeyUri, parseGcpKmsResourceName } from '../src/index.js';

const KEY = 'projects/my-project/locations/europe-west1/keyRings/ring_1/cryptoKeys/key-A';

describe('gcpkms key URIs', () => {
  it('parses a crypto key URI into its resource name', () => {
    expect(parseGcpKmsKeyUri(`gcpkms://${KEY}`)).toEqual({
      cryptoKey: KEY,
      version: undefined,
      resourceName: KEY,
      project: 'my-project',
      location: 'europe-west1',
      keyRing: 'ring_1',
      key: 'key-A',
    });
  });

  it('parses a version URI, and accepts the triple-slash form', () => {
    const parsed = parseGcpKmsKeyUri(`gcpkms:///${KEY}/cryptoKeyVersions/12`);
    expect(parsed).toMatchObject({ cryptoKey: KEY, version: '12', resourceName: `${KEY}/cryptoKeyVersions/12` });
  });

  it('accepts domain-scoped projects, project numbers and the global location', () => {
    expect(parseGcpKmsKeyUri('gcpkms://projects/example.com:proj/locations/global/keyRings/r/cryptoKeys/k').project).toBe('example.com:proj');
    expect(parseGcpKmsKeyUri('gcpkms://projects/123456789012/locations/global/keyRings/r/cryptoKeys/k').project).toBe('123456789012');
  });

  it.each([
    ['another scheme', `awskms://${KEY}`],
    ['no scheme', KEY],
    ['a key ring only', 'gcpkms://projects/p/locations/l/keyRings/r'],
    ['a trailing slash', `gcpkms://${KEY}/`],
    ['version 0', `gcpkms://${KEY}/cryptoKeyVersions/0`],
    ['a non-numeric version', `gcpkms://${KEY}/cryptoKeyVersions/latest`],
    ['a query', `gcpkms://${KEY}?version=1`],
    ['a fragment', `gcpkms://${KEY}#x`],
    ['percent-escapes', 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k%2F1'],
    ['an id too long', `gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/${'k'.repeat(64)}`],
    ['a bad character', 'gcpkms://projects/p/locations/l/keyRings/r.1/cryptoKeys/k'],
    ['an upper-case location', 'gcpkms://projects/p/locations/EU/keyRings/r/cryptoKeys/k'],
  ])('refuses %s with INVALID_ARGUMENT', (_name, uri) => {
    expect(() => parseGcpKmsKeyUri(uri)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });

  it('parses bare resource names the same way, for recorded key ids', () => {
    expect(parseGcpKmsResourceName(`${KEY}/cryptoKeyVersions/3`).version).toBe('3');
    expect(() => parseGcpKmsResourceName(`gcpkms://${KEY}`)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });
});
