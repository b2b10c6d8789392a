/**
 * The CAPF (TLS 3804, spec §5) and TVS (TLS 2445, spec §6) servers that `serve` starts when the
 * config enables them. Both serve one project (docs/cisco.md: `cisco_project`, else the only one).
 */

import { readFile } from "node:fs/promises";

import type { Logger } from "pino";

import type { CiscoConfig } from "../config/config.types.js";
import {
  DEFAULT_MAX_CAPF_MESSAGE_BYTES,
  DEFAULT_MAX_TVS_MESSAGE_BYTES,
} from "../pki/cisco-wire/index.js";
import { systemActor } from "../services/actor.js";
import type { CiscoService } from "../services/cisco/cisco.service.js";

import { runCapfSession } from "./capf-session.js";
import { createTlsListener, type TlsListener } from "./tls-listener.js";
import { runTvsSession } from "./tvs-session.js";

export interface CiscoServers {
  /** Bound ports, null for a server that is off. */
  capfPort: number | null;
  tvsPort: number | null;
  close(): Promise<void>;
}

export async function startCiscoServers(
  config: CiscoConfig,
  cisco: CiscoService,
  logger: Logger,
): Promise<CiscoServers> {
  if (config.capfPort === null && config.tvsPort === null) {
    return { capfPort: null, tvsPort: null, close: () => Promise.resolve() };
  }
  const [cert, key] = await Promise.all([
    readFile(config.tlsCertFile!, "utf8"),
    readFile(config.tlsKeyFile!, "utf8"),
  ]);
  // A phone cannot say which project it belongs to: each session resolves the configured one.
  const project = () => cisco.resolveProject(systemActor());
  const listeners: TlsListener[] = [];
  let capfPort: number | null = null;
  let tvsPort: number | null = null;
  let nextSessionId = 0;
  try {
    if (config.capfPort !== null) {
      const capf = createTlsListener({
        name: "capf",
        host: config.listenHost,
        port: config.capfPort,
        cert,
        key,
        logger,
        // Spec §5.3: the server chooses the session id, a counter per connection.
        onSession: async (socket) =>
          runCapfSession(socket, {
            cisco,
            projectId: await project(),
            sessionId: (nextSessionId = (nextSessionId + 1) >>> 0),
            idleTimeoutMs: config.sessionTimeoutMs,
            maxMessageBytes: DEFAULT_MAX_CAPF_MESSAGE_BYTES,
            logger,
          }),
      });
      capfPort = await capf.listen();
      listeners.push(capf);
    }
    if (config.tvsPort !== null) {
      const tvs = createTlsListener({
        name: "tvs",
        host: config.listenHost,
        port: config.tvsPort,
        cert,
        key,
        logger,
        onSession: async (socket) =>
          runTvsSession(socket, {
            cisco,
            projectId: await project(),
            idleTimeoutMs: config.sessionTimeoutMs,
            maxMessageBytes: DEFAULT_MAX_TVS_MESSAGE_BYTES,
            logger,
          }),
      });
      tvsPort = await tvs.listen();
      listeners.push(tvs);
    }
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close()));
    throw error;
  }
  logger.info({ capf_port: capfPort, tvs_port: tvsPort }, "Cisco servers listening");
  return {
    capfPort,
    tvsPort,
    close: async () => {
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}
