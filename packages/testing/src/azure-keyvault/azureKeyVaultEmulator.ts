import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpEmulator } from '../shared/httpEmulator.js';
import { headerValue, readBody, writeResponse } from '../shared/wire.js';
import { KEY_VAULT_SCOPE, TokenAuthority, type EmulatorAccessToken, type TokenOptions } from './bearerTokens.js';
import { KeyVaultFaultPlan, type FailureOptions, type ThrottleOptions } from './faults.js';
import { KeyVaultError } from './keyVaultError.js';
import { KeyStore } from './keyStore.js';
import { perform, REQUIRED_PERMISSION, route } from './operations.js';
import { CERTIFICATE_HOSTS, testCertificate, type TestCertificate } from './tlsCertificate.js';
import { parseJsonBody } from './wire.js';

export interface AzureKeyVaultEmulatorOptions {
  /** The directory (tenant) id the 401 challenge names. Default: a random UUID. */
  readonly tenantId?: string;
  /** The vault name used in error messages. Default `emulator`. */
  readonly vaultName?: string;
  /** The certificate to serve. Default: the process's generated test certificate (`testCertificate()`). */
  readonly certificate?: TestCertificate;
}

/**
 * What `KeyClient` and `CryptographyClient` need besides the vault URL and a
 * credential: `new KeyClient(kv.vaultUrl, kv.credential(), kv.clientOptions())`.
 */
export interface EmulatorClientOptions {
  /** Trust the test CA for this client only; nothing is disabled globally. */
  readonly tlsOptions: { readonly ca: string };
  /**
   * The challenge names resource https://vault.azure.net, as the service's does,
   * and the SDK refuses a challenge whose resource is not a suffix of the
   * request's host; 127.0.0.1 is not a *.vault.azure.net name.
   */
  readonly disableChallengeResourceVerification: true;
}

/** A `TokenCredential` (of @azure/core-auth) whose tokens the emulator accepts. */
export interface EmulatorTokenCredential {
  getToken(scopes: string | string[], options?: { readonly tenantId?: string }): Promise<EmulatorAccessToken>;
}

/** One `getToken` call the SDK made: the scope and tenant it derived from the challenge. */
export interface TokenRequest {
  readonly scopes: readonly string[];
  readonly tenantId: string | undefined;
}

const UNKNOWN_OPERATION = '(unknown)';
const API_VERSION = /^(?:\d{4}-\d{2}-\d{2}|\d+\.\d+)(?:-preview(?:\.\d+)?)?$/;

/**
 * Azure Key Vault (keys) on https://127.0.0.1, speaking the REST API with
 * the bearer-challenge flow, so the official `@azure/keyvault-keys` clients
 * talk to it unmodified over TLS. RSA keys with versions live in memory;
 * tokens come from `credential()` or `issueToken()`, and no other is accepted.
 * Faults (throttling, errors, latency, outage) are injected per operation,
 * named as the REST reference names them (`getKey`, `wrapKey`, `unwrapKey`...);
 * request counts include the 401s of the bearer challenge.
 *
 *   const kv = await AzureKeyVaultEmulator.start();
 *   const keys = new KeyClient(kv.vaultUrl, kv.credential(), kv.clientOptions());
 *   ...
 *   await kv.close();
 */
export class AzureKeyVaultEmulator extends HttpEmulator<KeyVaultFaultPlan> {
  readonly tenantId: string;
  readonly vaultName: string;
  /** The test CA's certificate (PEM): give it to clients as `tlsOptions.ca`, or to a child process via NODE_EXTRA_CA_CERTS. */
  readonly caCertificate: string;

  private readonly store = new KeyStore();
  private readonly tokens: TokenAuthority;
  private readonly tokenRequestLog: TokenRequest[] = [];

  private constructor(options: AzureKeyVaultEmulatorOptions, certificate: TestCertificate) {
    super(new KeyVaultFaultPlan(), { key: certificate.key, cert: certificate.cert });
    this.tenantId = options.tenantId ?? randomUUID();
    this.vaultName = options.vaultName ?? 'emulator';
    this.caCertificate = certificate.ca;
    this.tokens = new TokenAuthority(this.tenantId);
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: AzureKeyVaultEmulatorOptions = {}): Promise<AzureKeyVaultEmulator> {
    const emulator = new AzureKeyVaultEmulator(options, options.certificate ?? (await testCertificate()));
    await emulator.goOnline();
    return emulator;
  }

  /** `https://127.0.0.1:<port>`, stable across `goOffline()` / `goOnline()`. */
  get vaultUrl(): string {
    return `https://127.0.0.1:${this.listener.port}`;
  }

  /** Client options for this emulator: trust its CA, accept its challenge. */
  clientOptions(): EmulatorClientOptions {
    return { tlsOptions: { ca: this.caCertificate }, disableChallengeResourceVerification: true };
  }

  /**
   * A TokenCredential as an app would get from @azure/identity: every
   * `getToken` issues a fresh token, provided the SDK asks for Key Vault's
   * scope and the challenge's tenant (as Entra ID would insist).
   */
  credential(options: TokenOptions = {}): EmulatorTokenCredential {
    return {
      getToken: async (scopes, getTokenOptions) => {
        const requested = [scopes].flat();
        const tenantId = getTokenOptions?.tenantId;
        this.tokenRequestLog.push({ scopes: requested, tenantId });
        if (!requested.includes(KEY_VAULT_SCOPE)) {
          throw new Error(`the emulator issues tokens for ${KEY_VAULT_SCOPE} only, not ${requested.join(' ')}`);
        }
        if (tenantId !== undefined && tenantId !== this.tenantId) {
          throw new Error(`the emulator's tenant is ${this.tenantId}, not ${tenantId}`);
        }
        return this.tokens.issue(options);
      },
    };
  }

  /** A bearer token the emulator accepts, e.g. for a static-token credential in a child process. */
  issueToken(options: TokenOptions = {}): string {
    return this.tokens.issue(options).token;
  }

  /** Every `getToken` call made on this emulator's credentials, oldest first. */
  get tokenRequests(): readonly TokenRequest[] {
    return [...this.tokenRequestLog];
  }

  /** Answers the next `times` requests (of `operation`, if given) with 429 Throttled and a Retry-After. */
  throttleNext(times = 1, options: ThrottleOptions = {}): void {
    this.faults.throttle(times, options);
  }

  /** Answers the next `times` authenticated requests with an error, InternalServerError (500) by default. */
  failNext(times = 1, options: FailureOptions = {}): void {
    this.faults.fail(times, options);
  }

  protected override async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'https://emulator');
    const matched = route(method, url.pathname);
    const operation = matched?.operation ?? UNKNOWN_OPERATION;
    this.counts.record(operation);
    try {
      const body = await readBody(request, (max) => new KeyVaultError('BadParameter', `The request body is over ${max} bytes.`));
      const delay = this.faults.delayFor(operation);
      if (delay > 0) await sleep(delay);
      // Authentication first: the SDK's first request carries no token (nor body) and expects the challenge.
      const caller = this.tokens.authenticate(headerValue(request.headers.authorization));
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion === null || !API_VERSION.test(apiVersion)) {
        throw new KeyVaultError('BadParameter', 'The request is missing a valid api-version query parameter.');
      }
      if (!matched) throw new KeyVaultError('BadParameter', `The emulator does not implement ${method} ${url.pathname}.`);
      const injected = this.faults.take(operation);
      if (injected) throw injected;
      this.tokens.authorize(caller, REQUIRED_PERMISSION[matched.operation], this.vaultName);
      const output = await perform(matched, parseJsonBody(body), { store: this.store, vaultUrl: this.urlFor(request) });
      this.send(response, 200, JSON.stringify(output), {});
    } catch (error) {
      const failure = error instanceof KeyVaultError ? error : new KeyVaultError('InternalServerError', 'The emulator failed to handle the request.');
      const challenge = failure.status === 401 ? { 'www-authenticate': this.tokens.challenge } : {};
      this.send(response, failure.status, failure.toBody(), { ...failure.headers, ...challenge });
    }
  }

  // Key ids carry the host the client used, as the service's carry the vault's DNS name.
  private urlFor(request: IncomingMessage): string {
    const host = request.headers.host;
    const known = CERTIFICATE_HOSTS.some((name) => host === `${name}:${this.listener.port}`);
    return known ? `https://${host}` : this.vaultUrl;
  }

  private send(response: ServerResponse, status: number, body: string, headers: Readonly<Record<string, string>>): void {
    writeResponse(
      response,
      status,
      {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        'x-ms-request-id': randomUUID(),
        'x-ms-keyvault-region': 'emulator',
        'x-ms-keyvault-service-version': '1.9.0.0',
      },
      body,
    );
  }
}
