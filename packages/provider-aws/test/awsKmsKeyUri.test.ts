import { ErrorCode } from '@envelope-kit/core';
import { expectEnvelopeError } from '@envelope-kit/testing';
import { describe, expect, it } from 'vitest';
import { parseAwsKmsKeyUri, parseKmsKeyIdentifier } from '../src/index.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:eu-west-1:111122223333:key/${KEY_ID}`;

describe('awskms key URIs', () => {
  it.each([
    [`awskms:///${KEY_ARN}`, { keyId: KEY_ARN, form: 'key-arn', region: 'eu-west-1', accountId: '111122223333' }],
    ['awskms:///arn:aws:kms:us-east-2:111122223333:alias/app', { keyId: 'arn:aws:kms:us-east-2:111122223333:alias/app', form: 'alias-arn', region: 'us-east-2' }],
    ['awskms://alias/app?region=ap-southeast-2', { keyId: 'alias/app', form: 'alias', region: 'ap-southeast-2' }],
    ['awskms://alias/team/billing_key-1', { keyId: 'alias/team/billing_key-1', form: 'alias', region: undefined }],
    ['awskms:///alias/app?region=us-west-2', { keyId: 'alias/app', form: 'alias', region: 'us-west-2' }],
    [`awskms://${KEY_ID}?region=us-east-1`, { keyId: KEY_ID, form: 'key-id', region: 'us-east-1' }],
    ['awskms://mrk-1234abcd12ab34cd56ef1234567890ab?region=us-east-1', { keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab', form: 'key-id' }],
    [`awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${KEY_ID}`, { form: 'key-arn', region: 'us-gov-west-1' }],
    [`awskms:///${KEY_ARN}?region=eu-west-1`, { keyId: KEY_ARN, region: 'eu-west-1' }],
  ])('parses %s', (uri, expected) => {
    expect(parseAwsKmsKeyUri(uri)).toMatchObject(expected);
  });

  it.each([
    ['local:///key.pem', 'another scheme'],
    ['awskms:', 'no key'],
    ['awskms://', 'an empty key'],
    [`awskms:///${KEY_ARN}?region=us-east-1`, 'a region contradicting the ARN'],
    ['awskms://alias/app?region=us-east-1&region=us-west-2', 'two regions'],
    ['awskms://alias/app?endpoint=http://evil', 'an unknown parameter'],
    ['awskms://alias/app?region=Mars', 'an invalid region'],
    ['awskms://alias/app#fragment', 'a fragment'],
    ['awskms://user:secret@alias/app', 'credentials'],
    ['awskms://alias/has space', 'a bad alias name'],
    ['awskms://not-a-key-id?region=us-east-1', 'a malformed key id'],
    ['awskms:///arn:aws:s3:::bucket', 'an ARN of another service'],
    ['awskms:///arn:aws:kms:us-east-1:111122223333:key/not-a-uuid', 'a key ARN without a key id'],
    ['awskms:///arn:aws:kms:us-east-1:1234:key/' + KEY_ID, 'a short account id'],
    ['awskms://alias/%E0%A4%A', 'a bad percent-encoding'],
  ])('refuses %s (%s) with INVALID_ARGUMENT', async (uri) => {
    await expectEnvelopeError(async () => parseAwsKmsKeyUri(uri), ErrorCode.INVALID_ARGUMENT);
  });

  it('classifies bare key identifiers the way KMS takes them', () => {
    expect(parseKmsKeyIdentifier(KEY_ARN).form).toBe('key-arn');
    expect(parseKmsKeyIdentifier('alias/x').form).toBe('alias');
    expect(parseKmsKeyIdentifier(KEY_ID).form).toBe('key-id');
    expect(() => parseKmsKeyIdentifier('alias/')).toThrow(/not a KMS key identifier/);
  });
});
