import type { IncomingMessage } from "node:http";

import type { FastifyInstance } from "fastify";

import { ulid } from "../../lib/ids.js";

// A client's own id is echoed only when it is a plain token: it goes into logs and the audit log.
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: the client's X-Request-ID when sane, else a fresh `req_…` (seed 004 §11). */
export function requestIdFor(raw: IncomingMessage): string {
  const header = raw.headers["x-request-id"];
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && CLIENT_ID.test(given) ? given : `req_${ulid()}`;
}

/** Puts the request id on every response, errors and 404s included. */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header("x-request-id", request.id);
    done();
  });
}
