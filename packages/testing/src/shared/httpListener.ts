import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const HOST = '127.0.0.1';

/**
 * An http(s) server's life on 127.0.0.1: the first `goOnline()` takes an
 * ephemeral port, later ones take the same port again, so an emulator's
 * endpoint stays stable across an outage.
 */
export class HttpListener {
  readonly #server: HttpServer | HttpsServer;
  #port = 0;
  #listening = false;

  constructor(server: HttpServer | HttpsServer) {
    this.#server = server;
  }

  /** The bound port; 0 until the first `goOnline()`. */
  get port(): number {
    return this.#port;
  }

  get online(): boolean {
    return this.#listening;
  }

  /** Stops listening and drops open connections, so clients get ECONNREFUSED/ECONNRESET. */
  async goOffline(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async goOnline(): Promise<void> {
    if (this.#listening) return;
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen(this.#port, HOST, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#listening = true;
  }
}
