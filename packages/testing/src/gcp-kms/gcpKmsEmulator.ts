import { setTimeout as sleep } from 'node:timers/promises';
import {
  Server,
  ServerCredentials,
  type ChannelCredentials,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { EmulatorControls } from '../shared/emulatorControls.js';
import { GcpFaultPlan, type CorruptionOptions, type FailureOptions, type FaultScope } from './faults.js';
import { KeyStore } from './keyStore.js';
import { insecureClientCredentials, kmsServiceDefinition } from './kmsClientPackage.js';
import { GCP_KMS_METHOD_PERMISSIONS, GCP_KMS_METHODS, OPERATIONS, type GcpKmsMethod } from './operations.js';
import { RpcError } from './rpcError.js';
import { isMessage, messageField, stringField, type Message } from './wire.js';

/** A bearer token the emulator accepts, optionally limited to some methods (an IAM policy in miniature). */
export interface GcpKmsEmulatorToken {
  readonly token: string;
  /** The methods this token may call; all when absent. Others answer PERMISSION_DENIED. */
  readonly allow?: readonly GcpKmsMethod[];
}

export interface GcpKmsEmulatorOptions {
  /** Bearer tokens the emulator accepts. Default: `DEFAULT_GCP_KMS_EMULATOR_TOKEN`. */
  readonly tokens?: readonly (string | GcpKmsEmulatorToken)[];
}

/**
 * What `new KeyManagementServiceClient(...)` needs to reach the emulator: its
 * address, a plaintext channel, and a universe domain so the client never goes
 * looking for Application Default Credentials (with `sslCreds` it sends none).
 */
// A type alias, not an interface, so it stays assignable to the client's index-signed ClientOptions.
export type GcpKmsClientOptions = {
  readonly apiEndpoint: string;
  readonly port: number;
  readonly sslCreds: ChannelCredentials;
  readonly universeDomain: string;
};

/**
 * Per-call options (google-gax `CallOptions`) that carry the bearer token.
 * gRPC refuses to attach call credentials to a plaintext channel, so the token
 * travels as call metadata, the way Google's clients reach their emulators.
 */
export interface GcpKmsCallOptions {
  readonly otherArgs: { readonly headers: Readonly<Record<string, string>> };
}

/** Obviously fake; the emulator's default bearer token. */
export const DEFAULT_GCP_KMS_EMULATOR_TOKEN = 'envelope-kit-gcp-kms-emulator-token';

const HOST = '127.0.0.1';
const DEFAULT_UNIVERSE = 'googleapis.com';
const BEARER = /^Bearer ([\x21-\x7e]+)$/i;
const OFFLINE_SETTLE_MS = 20;
const CREDENTIAL_HELP = 'Expected OAuth 2 access token, login cookie or other valid authentication credential.';

/**
 * Cloud KMS on 127.0.0.1: a gRPC server speaking google.cloud.kms.v1.KeyManagementService
 * from the client package's own .proto files, so the official
 * `@google-cloud/kms` client talks to it unmodified. It checks the
 * `authorization: Bearer` metadata of every call, keeps key rings, keys and
 * versions in memory, verifies and returns CRC32C checksums as the service
 * does, and injects faults (error statuses, latency, corrupted responses, outages).
 * Request counts are per method (`Encrypt`...); methods the emulator does not
 * implement answer UNIMPLEMENTED and are not counted.
 *
 *   const kms = await GcpKmsEmulator.start();
 *   const client = new KeyManagementServiceClient(kms.clientOptions());
 *   await client.encrypt({ name, plaintext }, kms.callOptions());
 *   ...
 *   await kms.close();
 */
export class GcpKmsEmulator extends EmulatorControls<GcpFaultPlan> {
  /** The first accepted token: the one `callOptions()` sends. */
  readonly token: string;

  private readonly store = new KeyStore();
  private readonly tokens: ReadonlyMap<string, GcpKmsEmulatorToken>;
  private readonly implementation: UntypedServiceImplementation;
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(options: GcpKmsEmulatorOptions) {
    super(new GcpFaultPlan());
    const tokens = (options.tokens ?? [DEFAULT_GCP_KMS_EMULATOR_TOKEN]).map((t) => (typeof t === 'string' ? { token: t } : t));
    if (tokens.length === 0) throw new RangeError('the emulator needs at least one token');
    for (const { token } of tokens) {
      if (!/^[\x21-\x7e]+$/.test(token)) throw new RangeError('tokens must be non-empty printable ASCII without spaces');
    }
    this.token = tokens[0]!.token;
    this.tokens = new Map(tokens.map((t) => [t.token, t]));
    this.implementation = Object.fromEntries(
      GCP_KMS_METHODS.map((method) => [
        method,
        (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void this.handle(method, call, callback),
      ]),
    );
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: GcpKmsEmulatorOptions = {}): Promise<GcpKmsEmulator> {
    const emulator = new GcpKmsEmulator(options);
    await emulator.listen(0);
    return emulator;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `127.0.0.1:<port>`, the value for GCP_KMS_EMULATOR_HOST; stable across `goOffline()` / `goOnline()`. */
  get host(): string {
    return `${HOST}:${this.boundPort}`;
  }

  get online(): boolean {
    return this.server !== undefined;
  }

  /** Client settings for this emulator: `new KeyManagementServiceClient(kms.clientOptions())`. */
  clientOptions(): GcpKmsClientOptions {
    return { apiEndpoint: HOST, port: this.boundPort, sslCreds: insecureClientCredentials(), universeDomain: DEFAULT_UNIVERSE };
  }

  /** Call options that authenticate with `token` (default: the first accepted one). */
  callOptions(token: string = this.token): GcpKmsCallOptions {
    return { otherArgs: { headers: { authorization: `Bearer ${token}` } } };
  }

  /** Answers the next `times` calls (of `operation`, if given) with RESOURCE_EXHAUSTED. */
  throttleNext(times = 1, scope: FaultScope = {}): void {
    this.faults.throttle(times, scope);
  }

  /** Answers the next `times` calls with an error status, UNAVAILABLE by default. */
  failNext(times = 1, options: FailureOptions = {}): void {
    this.faults.fail(times, options);
  }

  /** Damages the next `times` successful responses (see `CorruptionKind`), a bad checksum by default. */
  corruptNext(times = 1, options: CorruptionOptions = {}): void {
    this.faults.corrupt(times, options);
  }

  /** An outage: stops listening and drops open connections, so calls fail with UNAVAILABLE. Keys survive. */
  async goOffline(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.forceShutdown();
    // Give clients a moment to see their connections close, so the next call
    // finds nothing listening (UNAVAILABLE) rather than racing the teardown.
    await sleep(OFFLINE_SETTLE_MS);
  }

  /** Ends an outage: listens again on the same port. */
  async goOnline(): Promise<void> {
    if (this.server) return;
    await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    this.faults.clear();
    await this.goOffline();
  }

  private async listen(port: number): Promise<void> {
    // A shut-down gRPC server cannot listen again, so each online period gets its own.
    const server = new Server();
    server.addService(kmsServiceDefinition(), this.implementation);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${HOST}:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    this.server = server;
  }

  private async handle(method: GcpKmsMethod, call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): Promise<void> {
    this.counts.record(method);
    try {
      const delay = this.faults.delayFor(method);
      if (delay > 0) await sleep(delay);
      // The client gave up (deadline) or the emulator went offline while the call waited.
      if (call.cancelled) return;
      const caller = this.authenticate(call.metadata);
      const injected = this.faults.take(method);
      if (injected) throw injected;
      const request = call.request;
      if (!isMessage(request)) throw new RpcError('INVALID_ARGUMENT', 'the request is not a message');
      if (caller.allow !== undefined && !caller.allow.includes(method)) {
        throw new RpcError(
          'PERMISSION_DENIED',
          `Permission '${GCP_KMS_METHOD_PERMISSIONS[method]}' denied on resource '${resourceOf(request)}' (or it may not exist).`,
        );
      }
      const damage = this.faults.peekCorruption(method);
      const response = await OPERATIONS[method](request, { store: this.store, damage });
      if (damage !== undefined) this.faults.takeCorruption(method);
      callback(null, response);
    } catch (error) {
      const rpc = error instanceof RpcError ? error : new RpcError('INTERNAL', 'the emulator failed to handle the request');
      callback({ code: rpc.code, details: rpc.message }, null);
    }
  }

  private authenticate(metadata: Metadata): GcpKmsEmulatorToken {
    const values = metadata.get('authorization');
    if (values.length === 0) throw new RpcError('UNAUTHENTICATED', `Request is missing required authentication credential. ${CREDENTIAL_HELP}`);
    const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : '';
    const token = BEARER.exec(header)?.[1];
    const known = token === undefined ? undefined : this.tokens.get(token);
    if (!known) throw new RpcError('UNAUTHENTICATED', `Request had invalid authentication credentials. ${CREDENTIAL_HELP}`);
    return known;
  }
}

/** The resource a request names, for PERMISSION_DENIED messages. */
function resourceOf(request: Message): string {
  const version = messageField(request, 'cryptoKeyVersion');
  return stringField(request, 'name') || stringField(request, 'parent') || (version ? stringField(version, 'name') : '') || '(unnamed)';
}
