import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultPlan, type FailureOptions, type FaultScope } from './faults.js';
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
// KMS requests are small; anything larger is a client bug or an attack on the test.
const MAX_BODY_BYTES = 1024 * 1024;
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
export class AwsKmsEmulator {
  readonly accountId: string;
  readonly #primary: EmulatorCredentials;

  private readonly store: KeyStore;
  private readonly accessKeys: ReadonlyMap<string, EmulatorCredentials>;
  private readonly faults = new FaultPlan();
  private readonly counts = new Map<string, number>();
  private readonly server: Server;
  private port = 0;
  private listening = false;

  private constructor(options: AwsKmsEmulatorOptions) {
    // Copies: the caller's objects may be frozen, and the SDK writes into the credentials it is given.
    const credentials = (options.credentials === undefined ? [DEFAULT_EMULATOR_CREDENTIALS] : [options.credentials].flat()).map((c) => ({ ...c }));
    const primary = credentials[0];
    if (primary === undefined) throw new RangeError('the emulator needs at least one access key');
    this.#primary = primary;
    this.accessKeys = new Map(credentials.map((c) => [c.accessKeyId, c]));
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId)) throw new RangeError(`accountId must be 12 digits, got ${this.accountId}`);
    this.store = new KeyStore(this.accountId);
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: AwsKmsEmulatorOptions = {}): Promise<AwsKmsEmulator> {
    const emulator = new AwsKmsEmulator(options);
    await emulator.listen(0);
    return emulator;
  }

  /** `http://127.0.0.1:<port>`, stable across `goOffline()` / `goOnline()`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The first accepted access key, the one `clientConfig()` uses (a fresh copy each time). */
  get credentials(): EmulatorCredentials {
    return { ...this.#primary };
  }

  get online(): boolean {
    return this.listening;
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

  /** Delays every request (of `operation`, if given) by `ms` until changed; 0 removes it. */
  setLatency(ms: number, scope: FaultScope = {}): void {
    this.faults.latency(ms, scope);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests received for `operation` (all operations when absent), refused ones included. */
  requestCount(operation?: string): number {
    if (operation !== undefined) return this.counts.get(operation) ?? 0;
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  requestCounts(): Readonly<Record<string, number>> {
    return Object.freeze(Object.fromEntries(this.counts));
  }

  resetRequestCounts(): void {
    this.counts.clear();
  }

  /** An outage: stops listening and drops open connections, so clients get ECONNREFUSED/ECONNRESET. Keys survive. */
  async goOffline(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Ends an outage: listens again on the same port. */
  async goOnline(): Promise<void> {
    if (this.listening) return;
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.faults.clear();
    await this.goOffline();
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = headerValue(request.headers['x-amz-target']);
    const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : UNKNOWN_OPERATION;
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    try {
      const body = await readBody(request);
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

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    length += bytes.length;
    if (length > MAX_BODY_BYTES) throw new KmsError('ValidationException', `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: string): void {
  // An outage may have destroyed the socket while the request waited.
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
