import { connect } from "node:net";
import { performance } from "node:perf_hooks";

import { round } from "./emit.js";

/** What one or more closing-load slices measured for one server. */
export interface ClosingLoadTally {
  /** Latencies of the answered requests, in ms. */
  latencies: number[];
  failures: number;
  seconds: number;
}

export function emptyTally(): ClosingLoadTally {
  return { latencies: [], failures: 0, seconds: 0 };
}

/** Answers per second and latency percentiles of a tally. */
export function summarize(tally: ClosingLoadTally) {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0, 2);
  return {
    perSecond: sorted.length / tally.seconds,
    total: sorted.length,
    failures: tally.failures,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/**
 * A load client for servers that close every connection (OpenSSL's `ocsp -port` responder
 * answers HTTP/1.0 and closes): `connections` workers, each sending the requests in turn, one
 * TCP connection per request (`Connection: close`), counting `200` answers per second.
 *
 * Each request is written as prepared bytes on a bare socket and the answer read until the
 * server closes. `node:http`'s client costs about as much CPU per request as the server it
 * measures, and client and servers share the machine's cores: a cheaper client lets both
 * responders show more of their own speed. Both are measured with this same client.
 */
export async function closingLoad(
  url: string,
  bodies: readonly Buffer[],
  options: { connections: number; seconds: number; contentType: string },
  /** Where the answers are added up (several slices of one server go into one tally). */
  tally: ClosingLoadTally,
): Promise<void> {
  const target = new URL(url);
  const port = Number(target.port);
  const requests = bodies.map((body) =>
    Buffer.concat([
      Buffer.from(
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          `Content-Type: ${options.contentType}\r\nContent-Length: ${body.length}\r\n` +
          "Connection: close\r\n\r\n",
        "latin1",
      ),
      body,
    ]),
  );
  const once = (request: Buffer) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, target.hostname);
      let head = "";
      socket.on("connect", () => socket.write(request));
      socket.on("data", (chunk: Buffer) => {
        if (head.length < 16) head += chunk.toString("latin1", 0, 16);
      });
      socket.on("error", () => resolve(false));
      socket.on("close", (hadError) => resolve(!hadError && /^HTTP\/1\.[01] 200 /.test(head)));
    });

  const deadline = performance.now() + options.seconds * 1000;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        const request = requests[next++ % requests.length]!;
        const sent = performance.now();
        if (await once(request)) tally.latencies.push(performance.now() - sent);
        else tally.failures++;
      }
    }),
  );
  tally.seconds += (performance.now() - started) / 1000;
}
