import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";

import { requestIdFor } from "../plugins/request-id.js";

import {
  MAX_OCSP_REQUEST_BYTES,
  ocspErrorExchange,
  type OcspExchange,
  type OcspHttpRequest,
  type OcspHttpResponse,
} from "./ocsp-exchange.js";

export interface OcspFastPathDeps {
  exchange: OcspExchange;
  logger: FastifyBaseLogger;
}

type HttpHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The CA ids the fast path takes; any other id goes to the Fastify routes (same answers). */
const CA_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = "/ocsp/";

/**
 * The OCSP request a URL names when the fast path should answer it: `POST /ocsp/{caId}` and
 * `GET /ocsp/{caId}/{base64}` (RFC 6960 A.1), with a plain CA id and no query. Anything else
 * (other methods, a query, a trailing slash, a path that does not URL-decode) is left to
 * Fastify, whose routes give the same answers and the documented errors.
 */
export function matchOcspRequest(
  method: string | undefined,
  url: string | undefined,
): Omit<OcspHttpRequest, "body" | "ifNoneMatch"> | undefined {
  if (url === undefined || !url.startsWith(PREFIX) || url.includes("?")) return undefined;
  const slash = url.indexOf("/", PREFIX.length);
  if (method === "POST") {
    if (slash !== -1) return undefined;
    const caId = url.slice(PREFIX.length);
    return CA_ID.test(caId) ? { caId } : undefined;
  }
  if (method !== "GET" || slash === -1 || slash === url.length - 1) return undefined;
  const caId = url.slice(PREFIX.length, slash);
  if (!CA_ID.test(caId)) return undefined;
  const raw = url.slice(slash + 1);
  if (!raw.includes("%")) return { caId, encoded: raw };
  try {
    // Decoded once, as Fastify's router decodes the `*` parameter.
    return { caId, encoded: decodeURIComponent(raw) };
  } catch {
    return undefined;
  }
}

/**
 * The body; `too_large` past the limit (RFC 6960 requests are small, see MAX_OCSP_REQUEST_BYTES);
 * `aborted` when the client went away before sending all of it (nothing to answer, no fault).
 */
function readBody(request: IncomingMessage): Promise<Buffer | "too_large" | "aborted"> {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_OCSP_REQUEST_BYTES) return Promise.resolve("too_large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OCSP_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on("end", () => {
      if (size > MAX_OCSP_REQUEST_BYTES) resolve("too_large");
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // A settled Promise ignores these after "end".
    request.on("error", () => resolve("aborted"));
    request.on("close", () => resolve("aborted"));
  });
}

/**
 * A Fastify `serverFactory`: the HTTP server whose requests for the OCSP responder skip
 * Fastify (routing, hooks, per-request logger, access control, idempotency, metrics hooks) and
 * go straight to the same exchange the `/ocsp` routes call. An OCSP answer from memory costs
 * less than that machinery, and relying parties send many (docs/revocation.md, benchmark P3).
 * What the server keeps for these requests: `X-Request-ID`, `internalError` logged with it,
 * the body limit, and the timeouts Fastify would set on a server it made itself.
 */
export function ocspServerFactory(deps: OcspFastPathDeps) {
  async function serve(
    request: IncomingMessage,
    response: ServerResponse,
    target: Omit<OcspHttpRequest, "body" | "ifNoneMatch">,
  ): Promise<void> {
    const requestId = requestIdFor(request);
    let answer: OcspHttpResponse;
    let closeAfter = false;
    try {
      if (request.method === "POST") {
        const body = await readBody(request);
        if (body === "aborted") return;
        if (body === "too_large") {
          // The client is still sending what we will not read (as Fastify does past bodyLimit).
          closeAfter = true;
          answer = ocspErrorExchange("malformedRequest");
        } else {
          answer = await deps.exchange({ caId: target.caId, body });
        }
      } else {
        answer = await deps.exchange({
          ...target,
          ifNoneMatch: request.headers["if-none-match"],
        });
      }
    } catch (error) {
      deps.logger.error({ err: error, request_id: requestId }, "OCSP request failed");
      answer = ocspErrorExchange("internalError");
    }
    if (response.destroyed) return;
    response.writeHead(answer.status, {
      ...answer.headers,
      "x-request-id": requestId,
      ...(closeAfter ? { connection: "close" } : {}),
    });
    response.end(answer.body ?? undefined);
  }

  return (handler: HttpHandler, options: FastifyServerOptions): Server => {
    const server = createServer((request, response) => {
      // Once close() began, Fastify answers everything (503 while closing, as for other routes):
      // the fast path would reach a database that is being closed.
      const target = server.listening ? matchOcspRequest(request.method, request.url) : undefined;
      if (target === undefined) handler(request, response);
      else {
        serve(request, response, target).catch((error: unknown) => {
          deps.logger.error({ err: error }, "OCSP response failed");
          response.destroy();
        });
      }
    });
    // What Fastify sets on a server it creates itself (fastify/lib/server.js).
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
    server.requestTimeout = options.requestTimeout ?? 0;
    server.setTimeout(options.connectionTimeout ?? 0);
    if ((options.maxRequestsPerSocket ?? 0) > 0) {
      server.maxRequestsPerSocket = options.maxRequestsPerSocket!;
    }
    return server;
  };
}
