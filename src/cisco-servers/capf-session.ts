/**
 * One CAPF session (spec §5.4), from AUTH_REQUEST to END_SESSION. Each message goes out in one
 * write (§5.4 step 5); anything unexpected from the phone ends the session.
 */

import type { TLSSocket } from "node:tls";

import type { Logger } from "pino";

import {
  CAPF_CURVE_BY_NAME,
  CapfCommand,
  CapfReason,
  capfAuthRequest,
  capfDeleteCertificateRequest,
  capfEndSession,
  capfFetchCertificateRequest,
  capfKeyGenerateRequest,
  capfStoreCertificateRequest,
  decodeCapfMessage,
  encodeCapfMessage,
  readCapfFrame,
  type CapfMessage,
} from "../pki/cisco-wire/index.js";
import type { Actor } from "../services/actor.js";
import type { CiscoService } from "../services/cisco/cisco.service.js";
import type { CiscoDevice } from "../services/cisco/cisco.types.js";

import { createFrameReader, SessionClosed, type FrameReader } from "./frame-reader.js";

export interface CapfSessionDeps {
  cisco: Pick<CiscoService, "capf">;
  projectId: string;
  sessionId: number;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  logger: Logger;
}

class Refused extends Error {}

function frameLengthOf(maxBytes: number) {
  return (buffer: Uint8Array) => readCapfFrame(buffer, maxBytes)?.consumed;
}

export async function runCapfSession(socket: TLSSocket, deps: CapfSessionDeps): Promise<void> {
  const { sessionId, cisco } = deps;
  const log = deps.logger.child({
    server: "capf",
    session_id: sessionId,
    peer: socket.remoteAddress,
  });
  const reader = createFrameReader(socket, frameLengthOf(deps.maxMessageBytes), deps.idleTimeoutMs);
  const send = (message: CapfMessage) => socket.write(encodeCapfMessage(message));
  const end = (reason: number) => {
    socket.end(encodeCapfMessage(capfEndSession(sessionId, reason)));
  };
  let device: CiscoDevice | null = null;
  const actor: Actor = {
    type: "system",
    id: "capf",
    name: "CAPF session",
    requestId: `capf-${sessionId}`,
    sourceIp: socket.remoteAddress ?? null,
  };

  try {
    send(capfAuthRequest(sessionId));
    const auth = await expect(reader, sessionId, [CapfCommand.AUTH_RESPONSE], deps.maxMessageBytes);
    const name = auth.fields.deviceName ?? "";
    actor.name = `CAPF session ${name}`;
    const result = await cisco.capf.authenticate(deps.projectId, name, {
      password: auth.fields.password ?? "",
      certificate: auth.fields.certificate,
      signedData: auth.fields.signedData,
      sha2SignedData: auth.fields.sha2SignedData,
    });
    if (result.outcome === "unknown_device") {
      log.info({ device: name }, "unknown device");
      await cisco.capf.recordSession(actor, deps.projectId, name, "unknown_device");
      end(CapfReason.UNKNOWN_DEVICE);
      return;
    }
    if (result.outcome === "refused") {
      // Spec §5.4 step 3: a wrong password or a failed proof is reason 7.
      log.info({ device: name, reason: result.reason }, "authentication refused");
      await cisco.capf.recordOutcome(actor, result.device, {
        kind: "failed",
        reason: result.reason,
      });
      end(CapfReason.INVALID_ELEMENT);
      return;
    }
    device = result.device;
    log.info({ device: device.name, operation: device.operation }, "authenticated");
    await runOperation(device);
  } catch (error) {
    if (error instanceof SessionClosed || error instanceof Refused) {
      log.info({ reason: error.message }, "session ended early");
    } else {
      log.warn({ err: error }, "session aborted");
    }
    if (device) {
      await cisco.capf
        .recordOutcome(actor, device, { kind: "failed", reason: (error as Error).message })
        .catch(() => undefined);
    }
    if (!socket.destroyed) end(CapfReason.INVALID_ELEMENT);
    socket.destroySoon();
  }

  async function runOperation(current: CiscoDevice): Promise<void> {
    switch (current.operation) {
      case "none":
        await cisco.capf.recordSession(actor, deps.projectId, current.name, "no_operation");
        end(CapfReason.NO_ACTION);
        return;
      case "install": {
        send(
          capfKeyGenerateRequest(
            sessionId,
            current.keyType === "RSA"
              ? { keyType: "RSA", keySize: current.keySize ?? 2048 }
              : { keyType: "EC", curve: CAPF_CURVE_BY_NAME[current.curve ?? "secp256r1"]! },
          ),
        );
        let response: CapfMessage;
        // The phone may send REQUEST_IN_PROGRESS while it generates the key (spec §5.4).
        do {
          response = await expect(
            reader,
            sessionId,
            [CapfCommand.REQUEST_IN_PROGRESS, CapfCommand.KEY_GENERATE_RESPONSE],
            deps.maxMessageBytes,
          );
        } while (response.command === CapfCommand.REQUEST_IN_PROGRESS);
        const publicKey = response.fields.publicKey;
        if (!publicKey) throw new Refused("the phone could not generate a key");
        const lsc = await cisco.capf.issueLsc(actor, current, publicKey);
        send(capfStoreCertificateRequest(sessionId, lsc.der));
        const stored = await expect(
          reader,
          sessionId,
          [CapfCommand.STORE_CERTIFICATE_RESPONSE],
          deps.maxMessageBytes,
        );
        if (stored.fields.reason !== CapfReason.UPDATE_CERTIFICATE) {
          throw new Refused("the phone did not store the certificate");
        }
        log.info({ device: current.name, serial: lsc.serialNumber }, "LSC installed");
        end(CapfReason.UPDATE_CERTIFICATE);
        return;
      }
      case "fetch": {
        send(capfFetchCertificateRequest(sessionId));
        const fetched = await expect(
          reader,
          sessionId,
          [CapfCommand.FETCH_CERTIFICATE_RESPONSE],
          deps.maxMessageBytes,
        );
        if (fetched.fields.reason === CapfReason.UPDATE_CERTIFICATE && fetched.fields.certificate) {
          await cisco.capf.recordOutcome(actor, current, {
            kind: "fetched",
            certificate: fetched.fields.certificate,
          });
        } else {
          await cisco.capf.recordOutcome(actor, current, {
            kind: "failed",
            reason: "the phone has no certificate",
          });
        }
        end(CapfReason.NO_ACTION);
        return;
      }
      case "delete": {
        send(capfDeleteCertificateRequest(sessionId));
        const deleted = await expect(
          reader,
          sessionId,
          [CapfCommand.DELETE_CERTIFICATE_RESPONSE],
          deps.maxMessageBytes,
        );
        await cisco.capf.recordOutcome(
          actor,
          current,
          deleted.fields.reason === CapfReason.UPDATE_CERTIFICATE
            ? { kind: "deleted" }
            : { kind: "failed", reason: "the phone did not delete its certificate" },
        );
        end(CapfReason.UPDATE_CERTIFICATE);
        return;
      }
    }
  }
}

/** The next message, which must be one of `commands` and echo the session id (spec §5.3). */
async function expect(
  reader: FrameReader,
  sessionId: number,
  commands: readonly number[],
  maxBytes: number,
): Promise<CapfMessage> {
  const message = decodeCapfMessage(await reader.next(), maxBytes);
  if (message.sessionId !== sessionId) throw new Refused("session id mismatch");
  if (!commands.includes(message.command)) {
    throw new Refused(`unexpected command ${message.command}`);
  }
  return message;
}
