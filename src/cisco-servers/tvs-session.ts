/**
 * One TVS exchange (spec §6): one VERIFY_REQUEST, one VERIFY_RESPONSE, then the connection closes.
 * The answer comes from the project's trust list, looked up by the SHA-256 of the certificate.
 */

import type { TLSSocket } from "node:tls";

import type { Logger } from "pino";

import {
  decodeTvsVerifyRequest,
  encodeTvsVerifyResponse,
  tvsFrameLength,
} from "../pki/cisco-wire/index.js";
import type { CiscoService } from "../services/cisco/cisco.service.js";

import { createFrameReader, SessionClosed } from "./frame-reader.js";

export interface TvsSessionDeps {
  cisco: Pick<CiscoService, "trust">;
  projectId: string;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  logger: Logger;
}

export async function runTvsSession(socket: TLSSocket, deps: TvsSessionDeps): Promise<void> {
  const log = deps.logger.child({ server: "tvs", peer: socket.remoteAddress });
  const reader = createFrameReader(
    socket,
    (buffer) => tvsFrameLength(buffer, deps.maxMessageBytes),
    deps.idleTimeoutMs,
  );
  try {
    const request = decodeTvsVerifyRequest(await reader.next(), deps.maxMessageBytes);
    const entry = await deps.cisco.trust.lookup(deps.projectId, request.certificate);
    log.info(
      { device: request.deviceName, session_id: request.sessionId, trusted: entry !== undefined },
      "trust query",
    );
    socket.end(
      encodeTvsVerifyResponse(
        entry
          ? {
              sessionId: request.sessionId,
              status: "valid",
              roles: entry.roles,
              ttlSeconds: entry.ttlSeconds,
            }
          : { sessionId: request.sessionId, status: "invalid" },
      ),
    );
  } catch (error) {
    // Malformed or hostile input: close this connection without an answer; keep serving.
    if (error instanceof SessionClosed) log.info({ reason: error.message }, "session ended early");
    else log.info({ reason: (error as Error).message }, "malformed request");
    socket.destroy();
  }
}
