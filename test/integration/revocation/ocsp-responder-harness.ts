import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import {
  certIdMatchesIssuer,
  computeIssuerHashes,
  decodeOcspGetRequest,
  isRevocationError,
  ocspErrorResponse,
  parseOcspRequest,
  type OcspCertStatus,
  type OcspResponder,
} from "../../../src/pki/revocation/index.js";

/**
 * A minimal OCSP responder over the encoders, on loopback, so a real OpenSSL client can send
 * its own requests (nonce and all) and check our answers. Status comes from a serial → status
 * map; CertIDs for another issuer are unknown. This is test wiring, not the product responder.
 */
export interface LoopbackResponder {
  url: string;
  close(): Promise<void>;
}

export async function startLoopbackResponder(options: {
  caCertificate: Uint8Array;
  responder: OcspResponder;
  statusBySerial: Map<string, OcspCertStatus>;
}): Promise<LoopbackResponder> {
  const hashes = computeIssuerHashes(options.caCertificate);

  async function answer(der: Uint8Array): Promise<Uint8Array> {
    const request = parseOcspRequest(der);
    const now = new Date();
    return options.responder.respond({
      producedAt: now,
      ...(request.nonce ? { nonceExtnValue: request.nonce.extnValue } : {}),
      responses: request.requests.map(({ certId }) => ({
        certId,
        certStatus: certIdMatchesIssuer(certId, hashes)
          ? (options.statusBySerial.get(certId.serialNumber) ?? { status: "unknown" })
          : { status: "unknown" },
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + 3_600_000),
      })),
    });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const respond = async (): Promise<Uint8Array> => {
        try {
          const der =
            req.method === "GET"
              ? decodeOcspGetRequest((req.url ?? "").replace(/^\/ocsp\//, ""))
              : new Uint8Array(Buffer.concat(chunks));
          return await answer(der);
        } catch (error) {
          if (isRevocationError(error)) return ocspErrorResponse("malformedRequest");
          return ocspErrorResponse("internalError");
        }
      };
      void respond().then((body) => {
        res.writeHead(200, { "content-type": "application/ocsp-response" });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ocsp`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
