import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpEmulator } from '../shared/httpEmulator.js';
import { headerValue, readBody, writeResponse } from '../shared/wire.js';
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
export class VaultEmulator extends HttpEmulator<VaultFaultPlan> {
  /** The first accepted token: the one `clientConfig()` and `env()` use. */
  readonly token: string;
  readonly mounts: readonly string[];

  private readonly tokens: ReadonlyMap<string, VaultEmulatorToken>;
  private readonly store = new TransitKeyStore();
  private isSealed = false;

  private constructor(options: VaultEmulatorOptions) {
    super(new VaultFaultPlan());
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
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    const emulator = new VaultEmulator(options);
    await emulator.goOnline();
    return emulator;
  }

  /** `http://127.0.0.1:<port>`, stable across `goOffline()` / `goOnline()`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.listener.port}`;
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

  /** Removes queued failures and latency, and unseals. */
  override clearFaults(): void {
    super.clearFaults();
    this.isSealed = false;
  }

  /**
   * One request, in the order Vault takes it: the seal and rate limits come
   * before the token, the token before the route, the route before the body.
   */
  protected override async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://emulator');
    const operation = operationOf(method, url.pathname, this.mounts);
    this.counts.record(operation);
    const match = matchRoute(method, url.pathname, this.mounts);
    try {
      const body = await readBody(request, (max) => new VaultError(413, `http: request body too large (over ${max} bytes)`));
      const delay = this.faults.delayFor(operation);
      if (delay > 0) await sleep(delay);
      if (this.isSealed) throw faultError('sealed', match.vaultPath);
      const injected = this.faults.takeError(operation, match.vaultPath);
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
  if (status === 204) writeResponse(response, 204, {});
  else writeResponse(response, status, { 'content-type': 'application/json' }, body);
}
