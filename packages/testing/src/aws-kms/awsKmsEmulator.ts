import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpEmulator } from '../shared/httpEmulator.js';
import { headerValue, readBody, writeResponse } from '../shared/wire.js';
import { KmsFaultPlan, type FailureOptions, type FaultScope } from './faults.js';
import { KmsError } from './kmsError.js';
import { KeyStore } from './keyStore.js';
import { isKmsOperation, OPERATIONS } from './operations.js';
import { verifySigV4, type EmulatorCredentials } from './sigv4Verifier.js';
import { parseJsonBody } from './wire.js';

export interface AwsKmsEmulatorOptions {
  /** Access keys the emulator accepts. Default: `DEFAULT_EMULATOR_CREDENTIALS`. */
  readonly credentials?: EmulatorCredentials | readonly EmulatorCredentials[];
  /** The account id in key ARNs. Default `111122223333`. */
  readonly accountId?: string;
}

/** What `@aws-sdk/client-kms` needs to talk to the emulator: `new KMSClient(kms.clientConfig())`. */
export interface EmulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** Obviously fake, never valid at AWS; the shape of real keys so SDK validation passes. */
export const DEFAULT_EMULATOR_CREDENTIALS: EmulatorCredentials = Object.freeze({
  accessKeyId: 'AKIAEMULATOR00000001',
  secretAccessKey: 'emulator/secret/0000000000000000000000000',
});

const DEFAULT_ACCOUNT_ID = '111122223333';
const DEFAULT_REGION = 'us-east-1';
const TARGET_PREFIX = 'TrentService.';
const UNKNOWN_OPERATION = '(unknown)';
const JSON_11 = 'application/x-amz-json-1.1';

/**
 * AWS KMS on 127.0.0.1, speaking the JSON 1.1 wire protocol with SigV4
 * checking, so the official SDK talks to it unmodified. Keys live in memory.
 * Faults (throttling, errors, latency, outage) are injected per operation.
 *
 *   const kms = await AwsKmsEmulator.start();
 *   const client = new KMSClient(kms.clientConfig());
 *   ...
 *   await kms.close();
 */
export class AwsKmsEmulator extends HttpEmulator<KmsFaultPlan> {
  readonly accountId: string;
  readonly #primary: EmulatorCredentials;

  private readonly store: KeyStore;
  private readonly accessKeys: ReadonlyMap<string, EmulatorCredentials>;

  private constructor(options: AwsKmsEmulatorOptions) {
    super(new KmsFaultPlan());
    // Copies: the caller's objects may be frozen, and the SDK writes into the credentials it is given.
    const credentials = (options.credentials === undefined ? [DEFAULT_EMULATOR_CREDENTIALS] : [options.credentials].flat()).map((c) => ({ ...c }));
    const primary = credentials[0];
    if (primary === undefined) throw new RangeError('the emulator needs at least one access key');
    this.#primary = primary;
    this.accessKeys = new Map(credentials.map((c) => [c.accessKeyId, c]));
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId)) throw new RangeError(`accountId must be 12 digits, got ${this.accountId}`);
    this.store = new KeyStore(this.accountId);
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: AwsKmsEmulatorOptions = {}): Promise<AwsKmsEmulator> {
    const emulator = new AwsKmsEmulator(options);
    await emulator.goOnline();
    return emulator;
  }

  /** `http://127.0.0.1:<port>`, stable across `goOffline()` / `goOnline()`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.listener.port}`;
  }

  /** The first accepted access key, the one `clientConfig()` uses (a fresh copy each time). */
  get credentials(): EmulatorCredentials {
    return { ...this.#primary };
  }

  /** SDK client settings for this emulator: endpoint, region and its first access key. */
  clientConfig(region: string = DEFAULT_REGION, credentials: EmulatorCredentials = this.credentials): EmulatorClientConfig {
    const { accessKeyId, secretAccessKey, sessionToken } = credentials;
    return { endpoint: this.endpoint, region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } };
  }

  /** Answers the next `times` requests (of `operation`, if given) with ThrottlingException. */
  throttleNext(times = 1, scope: FaultScope = {}): void {
    this.faults.throttle(times, scope);
  }

  /** Answers the next `times` requests with an error, KMSInternalException (500) by default. */
  failNext(times = 1, options: FailureOptions = {}): void {
    this.faults.fail(times, options);
  }

  protected override async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = headerValue(request.headers['x-amz-target']);
    const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : UNKNOWN_OPERATION;
    this.counts.record(operation);
    try {
      const body = await readBody(request, (max) => new KmsError('ValidationException', `the request body is over ${max} bytes`));
      const delay = this.faults.delayFor(operation);
      if (delay > 0) await sleep(delay);
      const url = new URL(request.url ?? '/', 'http://emulator');
      const caller = await verifySigV4(
        { method: request.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers: request.headers, body },
        (accessKeyId) => this.accessKeys.get(accessKeyId),
      );
      if (request.method !== 'POST' || url.pathname !== '/' || !isKmsOperation(operation)) {
        throw new KmsError('UnknownOperationException', `the emulator does not implement ${target ?? 'a request without x-amz-target'}`);
      }
      const injected = this.faults.take(operation);
      if (injected) throw injected;
      const allowed = caller.credentials.allow;
      if (allowed !== undefined && !allowed.includes(operation)) {
        throw new KmsError(
          'AccessDeniedException',
          `User: arn:aws:iam::${this.accountId}:user/${caller.credentials.accessKeyId} is not authorized to perform: kms:${operation} because no identity-based policy allows the kms:${operation} action`,
        );
      }
      const output = await OPERATIONS[operation](parseJsonBody(body), { store: this.store, region: caller.region });
      send(response, 200, JSON.stringify(output));
    } catch (error) {
      const kmsError = error instanceof KmsError ? error : new KmsError('KMSInternalException', 'the emulator failed to handle the request');
      send(response, kmsError.status, kmsError.toBody());
    }
  }
}

function send(response: ServerResponse, status: number, body: string): void {
  writeResponse(response, status, { 'content-type': JSON_11, 'x-amzn-requestid': randomUUID() }, body);
}
