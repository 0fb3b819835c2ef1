import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@envelope-kit/core';
import { parseLocalKeyUri } from '../src/index.js';
import { expectEnvelopeError } from './helpers.js';

describe('parseLocalKeyUri', () => {
  it.each([
    ['local:///etc/keys/app.pem', undefined, '/etc/keys/app.pem'],
    ['local:///etc/my%20keys/app%231.pem', undefined, '/etc/my keys/app#1.pem'],
    ['local:///etc/keys/../keys/app.pem', undefined, '/etc/keys/app.pem'],
    ['local:/etc/keys/app.pem', undefined, '/etc/keys/app.pem'],
    ['local:/etc/my%20keys/app.pem', undefined, '/etc/my%20keys/app.pem'],
    ['local:keys/app.pem', '/srv/app', '/srv/app/keys/app.pem'],
    ['local:./app.pem', '/srv/app', '/srv/app/app.pem'],
    ['local:../shared/app.pem', '/srv/app', '/srv/shared/app.pem'],
    ['local:/etc/keys/app.pem', '/srv/app', '/etc/keys/app.pem'],
  ])('%s (baseDir %s) names %s', (uri, baseDir, expected) => {
    expect(parseLocalKeyUri(uri, baseDir)).toBe(expected);
  });

  it('resolves a relative path against the working directory without baseDir', () => {
    expect(parseLocalKeyUri('local:./keys/app.pem')).toBe(join(process.cwd(), 'keys', 'app.pem'));
  });

  it.each([
    ['local:', 'empty path'],
    ['local://', 'empty path'],
    ['local://host/keys/app.pem', 'names a host'],
    ['local:///', 'directory'],
    ['local:keys/', 'directory'],
    ['local:///keys/app.pem?x=1', 'query or fragment'],
    ['local:///keys/app.pem#frag', 'query or fragment'],
    ['local:///keys/%E0%A4%A.pem', 'percent-encoding'],
    ['local:///keys/a%00b.pem', 'NUL'],
    ['local:~/keys/app.pem', '~'],
    ['awskms:///arn:aws:kms:eu-west-1:1:key/x', 'not a local: key URI'],
    ['LOCAL:/keys/app.pem', 'not a local: key URI'],
    ['/keys/app.pem', 'not a local: key URI'],
  ])('refuses %s (%s) with an example of the right form', async (uri, problem) => {
    const error = await expectEnvelopeError(() => parseLocalKeyUri(uri), ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toContain(problem);
    expect(error.message).toContain('local:///absolute/path/key.pem');
  });
});
