/**
 * A TLS listener shared by the CAPF and TVS servers: server-authenticated TLS only (spec §5.3: no
 * client certificate), bounded connections, and a session handler whose failures close that one
 * connection and never the server.
 */

import type { AddressInfo } from "node:net";
import tls, { type TLSSocket } from "node:tls";

import type { Logger } from "pino";

export interface TlsListenerOptions {
  name: string;
  host: string;
  port: number;
  /** PEM certificate (chain) and key the server presents. */
  cert: string;
  key: string;
  maxConnections?: number;
  logger: Logger;
  onSession(socket: TLSSocket): Promise<void>;
}

export interface TlsListener {
  /** Resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting and ends open sessions. */
  close(): Promise<void>;
}

export function createTlsListener(options: TlsListenerOptions): TlsListener {
  const sockets = new Set<TLSSocket>();
  const server = tls.createServer({ cert: options.cert, key: options.key }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A handler that throws is a bug, but it must still cost only this connection.
    options.onSession(socket).catch((error: unknown) => {
      options.logger.error({ err: error, server: options.name }, "session failed");
      socket.destroy();
    });
  });
  server.maxConnections = options.maxConnections ?? 256;
  // Handshake failures (scanners, wrong protocol) are the client's problem: log and go on.
  server.on("tlsClientError", (error) => {
    options.logger.debug({ server: options.name, reason: error.message }, "TLS handshake failed");
  });
  server.on("error", (error) => {
    options.logger.error({ err: error, server: options.name }, "listener error");
  });

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
