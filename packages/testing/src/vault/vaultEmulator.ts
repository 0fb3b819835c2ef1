import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { VaultFaultPlan, type VaultFailureOptions, type VaultFaultScope } from './faults.js';
import { matchRoute, operationOf, type VaultOperation } from './routes.js';
import { TransitKeyStore } from './transitKeys.js';
import { TRANSIT_OPERATIONS, type TransitResult } from './transitOperations.js';
import { faultError, internalError, permissionDenied, VaultError } from './vaultError.js';
import { parseJsonBody } from './wire.js';

/** A token the emulator accepts, optionally limited to some operations (a tiny Vault policy). */
export interface VaultEmulatorToken {
  readonly token: string;
  /** Operations this token may call (`decrypt`, `readKey`...); all when absent. `createKey` also allows encrypt's upsert. */
  readonly allow?: readonly VaultOperation[];
}

export interface VaultEmulatorOptions {
  /** Tokens the emulator accepts. Default: `DEFAULT_VAULT_TOKEN`, allowed everything (a root token). */
  readonly tokens?: string | readonly (string | VaultEmulatorToken)[];
  /** Paths Transit is mounted at, without slashes at either end. Default `['transit']`. */
  readonly mounts?: readonly string[];
}

/** What node-vault needs to talk to the emulator: `nodeVault(vault.clientConfig())`. */
export interface VaultClientConfig {
  readonly apiVersion: 'v1';
  readonly endpoint: string;
  readonly token: string;
  readonly namespace?: string;
}

/** The environment the Vault CLI (and provider-vault) read: VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE. */
export interface VaultEnvironment {
  readonly VAULT_ADDR: string;
  readonly VAULT_TOKEN: string;
  readonly VAULT_NAMESPACE?: string;
}

/** Obviously fake; shaped like a Vault 1.10+ service token (`hvs.` prefix). */
export const DEFAULT_VAULT_TOKEN = 'hvs.emulator-root-token-000000000000';

// Transit requests are small; anything larger is a client bug or an attack on the test.
const MAX_BODY_BYTES = 1024 * 1024;
const MOUNT = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * HashiCorp Vault's HTTP API on 127.0.0.1, as far as the Transit secrets
 * engine goes, so node-vault talks to it unmodified: keys (create, read,
 * rotate, config, delete), encrypt, decrypt, rewrap and datakey, with `vault:vN:`
 * ciphertexts, key versions, min_decryption_version, derived keys (HKDF per
 * context) and associated_data for AES-GCM keys. Every request needs a known
 * `X-Vault-Token` (else 403); `X-Vault-Namespace` keeps namespaces apart.
 * Faults (sealed, throttled, 5xx, latency, outage) are injected per operation.
 *
 *   const vault = await VaultEmulator.start();
 *   const client = nodeVault(vault.clientConfig());
 *   await client.write('transit/keys/app', { type: 'aes256-gcm96' });
 *   ...
 *   await vault.close();
 */
export class VaultEmulator {
  /** The first accepted token: the one `clientConfig()` and `env()` use. */
  readonly token: string;
  readonly mounts: readonly string[];

  private readonly tokens: ReadonlyMap<string, VaultEmulatorToken>;
  private readonly store = new TransitKeyStore();
  private readonly faults = new VaultFaultPlan();
  private readonly counts = new Map<string, number>();
  private readonly server: Server;
  private port = 0;
  private listening = false;
  private isSealed = false;

  private constructor(options: VaultEmulatorOptions) {
    const tokens = (options.tokens === undefined ? [DEFAULT_VAULT_TOKEN] : [options.tokens].flat()).map((t) =>
      typeof t === 'string' ? { token: t } : t,
    );
    if (tokens.length === 0) throw new RangeError('the emulator needs at least one token');
    for (const { token } of tokens) {
      if (!/^[\x21-\x7e]+$/.test(token)) throw new RangeError('tokens are printable ASCII without spaces');
    }
    this.token = tokens[0]!.token;
    this.tokens = new Map(tokens.map((t) => [t.token, t]));
    this.mounts = Object.freeze([...(options.mounts ?? ['transit'])]);
    if (this.mounts.length === 0) throw new RangeError('the emulator needs at least one mount');
    for (const mount of this.mounts) {
      if (!MOUNT.test(mount)) throw new RangeError(`mount paths are segments of [A-Za-z0-9_.-] joined by /, got "${mount}"`);
    }
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    const emulator = new VaultEmulator(options);
    await emulator.listen(0);
    return emulator;
  }

  /** `http://127.0.0.1:<port>`, stable across `goOffline()` / `goOnline()`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get online(): boolean {
    return this.listening;
  }

  get sealed(): boolean {
    return this.isSealed;
  }

  /** node-vault settings for this emulator: endpoint, token (default: the first) and namespace. */
  clientConfig(options: { readonly token?: string; readonly namespace?: string } = {}): VaultClientConfig {
    const { namespace } = options;
    return { apiVersion: 'v1', endpoint: this.endpoint, token: options.token ?? this.token, ...(namespace === undefined ? {} : { namespace }) };
  }

  /** Environment variables pointing a process (the CLI, say) at this emulator. */
  env(options: { readonly token?: string; readonly namespace?: string } = {}): VaultEnvironment {
    const { namespace } = options;
    return { VAULT_ADDR: this.endpoint, VAULT_TOKEN: options.token ?? this.token, ...(namespace === undefined ? {} : { VAULT_NAMESPACE: namespace }) };
  }

  /** Seals Vault: every request gets 503 `Vault is sealed` until `unseal()`. Keys survive. */
  seal(): void {
    this.isSealed = true;
  }

  unseal(): void {
    this.isSealed = false;
  }

  /** Answers the next `times` requests (of `operation`, if given) with 429, a rate-limit quota. */
  throttleNext(times = 1, scope: VaultFaultScope = {}): void {
    this.faults.fail(times, { ...scope, error: 'throttled' });
  }

  /** Answers the next `times` requests with an error: `internal` (500) by default, or `sealed` (503) and others. */
  failNext(times = 1, options: VaultFailureOptions = {}): void {
    this.faults.fail(times, options);
  }

  /** Delays every request (of `operation`, if given) by `ms` until changed; 0 removes it. */
  setLatency(ms: number, scope: VaultFaultScope = {}): void {
    this.faults.latency(ms, scope);
  }

  /** Removes queued failures and latency, and unseals. */
  clearFaults(): void {
    this.faults.clear();
    this.isSealed = false;
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
    this.clearFaults();
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

  /**
   * One request, in the order Vault takes it: the seal and rate limits come
   * before the token, the token before the route, the route before the body.
   */
  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://emulator');
    const operation = operationOf(method, url.pathname, this.mounts);
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    const match = matchRoute(method, url.pathname, this.mounts);
    try {
      const body = await readBody(request);
      const delay = this.faults.delayFor(operation);
      if (delay > 0) await sleep(delay);
      if (this.isSealed) throw faultError('sealed', match.vaultPath);
      const injected = this.faults.take(operation, match.vaultPath);
      if (injected) throw injected;

      const caller = this.tokens.get(headerValue(request.headers['x-vault-token']) ?? '');
      if (!caller) throw permissionDenied();
      if (match.kind === 'no-route') throw new VaultError(404, `no handler for route "${match.vaultPath}". route entry not found.`);
      if (match.kind === 'unsupported-operation') throw new VaultError(405, '1 error occurred:\n\t* unsupported operation\n\n');
      const { route } = match;
      if (!may(caller, route.operation)) throw permissionDenied();

      const result = await TRANSIT_OPERATIONS[route.operation](
        {
          route,
          namespace: (headerValue(request.headers['x-vault-namespace']) ?? '').replace(/^\/+|\/+$/g, ''),
          body: parseJsonBody(body),
          mayCreate: may(caller, 'createKey'),
        },
        this.store,
      );
      sendResult(response, result);
    } catch (error) {
      const vaultError = error instanceof VaultError ? error : internalError('the emulator failed to handle the request');
      send(response, vaultError.status, vaultError.toBody());
    }
  }
}

function may(caller: VaultEmulatorToken, operation: VaultOperation): boolean {
  return caller.allow === undefined || caller.allow.includes(operation);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    length += bytes.length;
    if (length > MAX_BODY_BYTES) throw new VaultError(413, `http: request body too large (over ${MAX_BODY_BYTES} bytes)`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** Vault's response envelope around `data`; 204 when there is nothing to say. */
function sendResult(response: ServerResponse, result: TransitResult): void {
  if (result.data === undefined && result.warnings === undefined) {
    send(response, 204, '');
    return;
  }
  send(
    response,
    200,
    JSON.stringify({
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: result.data ?? null,
      wrap_info: null,
      warnings: result.warnings ?? null,
      auth: null,
    }),
  );
}

function send(response: ServerResponse, status: number, body: string): void {
  // An outage may have destroyed the socket while the request waited.
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(status === 204 ? undefined : body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
