import { Counter, type Registry } from "prom-client";

import type { Clock } from "../../lib/clock.js";
import {
  decodeOcspGetRequest,
  isRevocationError,
  ocspErrorResponse,
} from "../../pki/revocation/index.js";
import type { OcspAnswer } from "../../services/revocation/ocsp.service.js";
import type { RevocationService } from "../../services/revocation/revocation.service.js";

export const OCSP_RESPONSE = "application/ocsp-response";
/** RFC 6960 requests are small; the parser's own limit (DEFAULT_OCSP_REQUEST_LIMITS) is 64 KiB. */
export const MAX_OCSP_REQUEST_BYTES = 64 * 1024;

export type OcspErrorStatus = "malformedRequest" | "unauthorized" | "internalError";
export type OcspAnswerLabel = "cacheable" | "unique" | "not_modified" | OcspErrorStatus;

/** One OCSP request as both transports see it (the Fastify routes and the fast path). */
export interface OcspHttpRequest {
  caId: string;
  /** POST: the body (RFC 6960 A.1.1). */
  body?: Uint8Array;
  /** GET: the request after `/ocsp/{caId}/`, URL-decoded once, still base64 (RFC 5019 §5). */
  encoded?: string;
  ifNoneMatch?: string | undefined;
}

export interface OcspHttpResponse {
  /** What was answered (a metric label). */
  answer: OcspAnswerLabel;
  status: number;
  /** Lower-case names; the objects of error answers are shared: never modify one. */
  headers: Readonly<Record<string, string>>;
  body: Buffer | null;
}

export interface OcspExchangeDeps {
  revocation: Pick<RevocationService, "answerOcsp">;
  clock: Clock;
  registry: Registry;
}

/** Unsuccessful responses are a handful of fixed bytes (RFC 6960 §2.3): built once. */
const ERRORS = new Map<OcspErrorStatus, { body: Buffer; headers: Record<string, string> }>(
  (["malformedRequest", "unauthorized", "internalError"] as const).map((status) => {
    const body = Buffer.from(ocspErrorResponse(status));
    const headers = {
      "content-type": OCSP_RESPONSE,
      "cache-control": "no-store",
      "content-length": String(body.length),
    };
    return [status, { body, headers }];
  }),
);

/** The OCSPResponse for an unsuccessful status; HTTP 200 except for our own faults. */
export function ocspErrorExchange(status: OcspErrorStatus): OcspHttpResponse {
  const { body, headers } = ERRORS.get(status)!;
  return { answer: status, status: status === "internalError" ? 500 : 200, headers, body };
}

/** What never changes for one pre-signed response: computed on its first use, not per request. */
interface CacheableParts {
  body: Buffer;
  lastModified: string;
  expires: string;
}

function asBuffer(der: Uint8Array): Buffer {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength);
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * Turns an OCSP request into the HTTP answer: the service's OCSPResponse with the RFC 5019 §6
 * headers. Never throws for anything a client sent; a fault of ours rejects, and the transport
 * answers `internalError` and logs it.
 */
export function createOcspExchange(deps: OcspExchangeDeps) {
  // Keyed by the service's DER object: a pre-signed response is one object while it is cached.
  const parts = new WeakMap<Uint8Array, CacheableParts>();
  // Counted here, not by the HTTP metrics hooks, which the fast path skips (ocsp-fast-path.ts).
  const answers = new Counter({
    name: "certsmith_ocsp_responses_total",
    help: "OCSP responses, by kind: cacheable (pre-signed), unique (nonce or several CertIDs), not_modified, or the unsuccessful status.",
    labelNames: ["answer"] as const,
    registers: [deps.registry],
  });
  const counters = new Map<OcspAnswerLabel, { inc(): void }>();
  function count(label: OcspAnswerLabel): void {
    let counter = counters.get(label);
    if (!counter) {
      counter = answers.labels(label);
      counters.set(label, counter);
    }
    counter.inc();
  }

  function partsOf(answer: Extract<OcspAnswer, { kind: "cacheable" }>): CacheableParts {
    let found = parts.get(answer.der);
    if (!found) {
      found = {
        body: asBuffer(answer.der),
        lastModified: answer.thisUpdate.toUTCString(),
        expires: answer.nextUpdate.toUTCString(),
      };
      parts.set(answer.der, found);
    }
    return found;
  }

  function respond(answer: OcspAnswer, isGet: boolean, ifNoneMatch?: string): OcspHttpResponse {
    if (answer.kind === "error") return ocspErrorExchange(answer.status);
    if (answer.kind === "unique") {
      // A nonce makes the response unique to its request (docs/revocation.md, RFC 5019 §6.2).
      const body = asBuffer(answer.der);
      return {
        answer: "unique",
        status: 200,
        headers: {
          "content-type": OCSP_RESPONSE,
          "cache-control": "no-cache, no-store",
          "content-length": String(body.length),
        },
        body,
      };
    }
    const { body, lastModified, expires } = partsOf(answer);
    const maxAge = Math.max(
      0,
      Math.floor((answer.refreshAt.getTime() - deps.clock.now().getTime()) / 1000),
    );
    const headers: Record<string, string> = {
      "content-type": OCSP_RESPONSE,
      etag: answer.etag,
      "last-modified": lastModified,
      expires,
      // RFC 5019 §6.2: max-age ends when this responder would sign afresh, never past nextUpdate.
      "cache-control": `max-age=${maxAge}, public, no-transform, must-revalidate`,
    };
    // RFC 5019 §6.2 (ETag): only GET is cacheable, so only GET revalidates.
    if (isGet && matches(ifNoneMatch, answer.etag)) {
      return { answer: "not_modified", status: 304, headers, body: null };
    }
    headers["content-length"] = String(body.length);
    return { answer: "cacheable", status: 200, headers, body };
  }

  /** RFC 6960 A.1: POST carries the DER, GET carries it base64 (then URL-encoded) in the path. */
  async function exchange(request: OcspHttpRequest): Promise<OcspHttpResponse> {
    try {
      const response = await answerHttp(request);
      count(response.answer);
      return response;
    } catch (error) {
      count("internalError");
      throw error;
    }
  }

  async function answerHttp(request: OcspHttpRequest): Promise<OcspHttpResponse> {
    const isGet = request.encoded !== undefined;
    let der: Uint8Array;
    if (isGet) {
      try {
        der = decodeOcspGetRequest(request.encoded!);
      } catch (error) {
        if (!isRevocationError(error)) throw error;
        return ocspErrorExchange("malformedRequest");
      }
    } else {
      der = request.body ?? new Uint8Array(0);
    }
    const answer = await deps.revocation.answerOcsp(request.caId, der);
    return respond(answer, isGet, request.ifNoneMatch);
  }

  return exchange;
}

export type OcspExchange = ReturnType<typeof createOcspExchange>;
