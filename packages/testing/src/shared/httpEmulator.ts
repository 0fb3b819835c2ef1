import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { EmulatorControls } from './emulatorControls.js';
import type { FaultPlan } from './faultPlan.js';
import { HttpListener } from './httpListener.js';

/** The certificate an https emulator serves (PEM). */
export interface ServerCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * An emulator served over http(s) on 127.0.0.1, with the outage controls
 * every such emulator has. A subclass answers requests in `handle`.
 */
export abstract class HttpEmulator<Faults extends FaultPlan<unknown>> extends EmulatorControls<Faults> {
  protected readonly listener: HttpListener;

  /** Serves https with `certificate`, plain http without one. */
  protected constructor(faults: Faults, certificate?: ServerCertificate) {
    super(faults);
    const handler = (request: IncomingMessage, response: ServerResponse): void => void this.handle(request, response);
    this.listener = new HttpListener(certificate === undefined ? createServer(handler) : createTlsServer(certificate, handler));
  }

  get online(): boolean {
    return this.listener.online;
  }

  /** An outage: stops listening and drops open connections, so clients get ECONNREFUSED/ECONNRESET. Keys survive. */
  async goOffline(): Promise<void> {
    await this.listener.goOffline();
  }

  /** Ends an outage: listens again on the same port (the first time: an ephemeral one). */
  async goOnline(): Promise<void> {
    await this.listener.goOnline();
  }

  async close(): Promise<void> {
    this.clearFaults();
    await this.goOffline();
  }

  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}
