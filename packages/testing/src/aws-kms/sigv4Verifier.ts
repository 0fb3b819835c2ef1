import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { KmsError } from './kmsError.js';

/** An access key the emulator accepts, optionally limited to some operations (a tiny IAM policy). */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (temporary credentials). */
  readonly sessionToken?: string;
  /** Operations this key may call (`Decrypt`, `GetPublicKey`...); all when absent. */
  readonly allow?: readonly string[];
}

/** What the verifier needs of a received request: the exact bytes the client signed. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface VerifiedCaller {
  readonly credentials: EmulatorCredentials;
  /** The region from the credential scope: the region the client believes it talks to. */
  readonly region: string;
}

type SignableRequest = Parameters<SignatureV4['presign']>[0];

const SERVICE = 'kms';
// AWS refuses signatures more than 15 minutes away from its clock.
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Verifies AWS Signature Version 4 the way AWS does: recompute the signature
 * from the received method, path, query, signed headers and body with the
 * caller's secret, and compare in constant time. The SDK's own signer does the
 * canonicalization, so any difference between our reading and the SDK's is a
 * test failure rather than a silent pass.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  lookup: (accessKeyId: string) => EmulatorCredentials | undefined,
  now: Date = new Date(),
): Promise<VerifiedCaller> {
  const authorization = single(request.headers.authorization);
  if (authorization === undefined) {
    throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) {
    throw new KmsError('IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature for AWS4-HMAC-SHA256');
  }
  const [, credential = '', signedHeaderList = '', signature = ''] = parts;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    throw new KmsError('IncompleteSignatureException', `Credential should be scoped to a valid region, service and aws4_request: ${credential}`);
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = scope;
  if (service !== SERVICE) {
    throw new KmsError('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'.`);
  }

  const credentials = lookup(accessKeyId);
  if (!credentials) throw new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const token = single(request.headers['x-amz-security-token']);
  if (token !== credentials.sessionToken) {
    throw new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }

  const amzDate = single(request.headers['x-amz-date']);
  const signingDate = parseAmzDate(amzDate);
  if (!scopeDate || !amzDate?.startsWith(scopeDate)) {
    throw new KmsError('InvalidSignatureException', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP');
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new KmsError('InvalidSignatureException', 'Signature expired: the request time is more than 15 minutes away from the server time');
  }

  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) {
      throw new KmsError('InvalidSignatureException', `'${required}' must be a signed header`);
    }
  }
  if (token !== undefined && !signedHeaders.includes('x-amz-security-token')) {
    throw new KmsError('InvalidSignatureException', "'x-amz-security-token' must be a signed header");
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new KmsError('InvalidSignatureException', `signed header '${name}' is missing from the request`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer trusts x-amz-content-sha256 as the payload hash, so it must be the body's.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw signatureMismatch();
  }

  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
    sha256: Sha256,
    // Hash exactly what arrived; never add a header the client did not sign.
    applyChecksum: false,
  });
  const toSign: SignableRequest = {
    method: request.method,
    protocol: 'http:',
    hostname: headers.host ?? '',
    path: request.path,
    query: parseQuery(request.query),
    headers,
    body: request.body,
  };
  const signed = await signer.sign(toSign, {
    signingDate,
    signingRegion: region,
    signingService: SERVICE,
    // Headers AWS would not sign by default still count when the client signed them.
    signableHeaders: new Set(signedHeaders),
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1];
  if (expected === undefined || !timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'))) {
    throw signatureMismatch();
  }
  return { credentials, region };
}

function parseAmzDate(value: string | undefined): Date {
  const parts = value === undefined ? null : AMZ_DATE.exec(value);
  if (!parts) throw new KmsError('IncompleteSignatureException', 'Authorization requires an X-Amz-Date header in ISO 8601 basic format');
  const [, year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts.map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function parseQuery(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const existing = result[name];
    if (existing === undefined) result[name] = value;
    else result[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function signatureMismatch(): KmsError {
  return new KmsError(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  );
}
