import net from "node:net";

/**
 * A request that stays in flight for as long as the test wants, without any test-only route in
 * the product: a `POST /api/v1/projects` whose JSON body the client sends in two parts.
 *
 * `Expect: 100-continue` (RFC 9110 §10.1.1) makes the server answer "100 Continue" once it has
 * read the headers and dispatched the request, so the test knows for certain that the request is
 * in flight before it signals the server; no sleep, no race. The body's second half is sent
 * whenever the test calls `finish()`. The socket stays open after the response, as a keep-alive
 * client (a browser, a load balancer) would leave it.
 */
export interface SlowRequest {
  /** Sends the rest of the body; resolves with the raw response status and body. */
  finish(): Promise<{ status: number; body: string }>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
  destroy(): void;
}

export async function startSlowProjectCreate(
  port: number,
  projectName: string,
  headers: Record<string, string> = {},
): Promise<SlowRequest> {
  const body = JSON.stringify({ name: projectName });
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {}); // a reset after the response is the server closing: fine.
  let received = "";
  const listeners = new Set<() => void>();
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
    for (const listener of listeners) listener();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const until = (test: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      void closed.then(() => reject(new Error(`connection closed before ${what}: ${received}`)));
      check();
    });

  socket.write(
    [
      "POST /api/v1/projects HTTP/1.1",
      "Host: 127.0.0.1",
      "Content-Type: application/json",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Expect: 100-continue",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      "",
      "",
    ].join("\r\n"),
  );
  await until(() => received.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), "100 Continue");
  received = "";
  const half = Math.floor(body.length / 2);
  socket.write(body.slice(0, half));

  return {
    async finish() {
      socket.write(body.slice(half));
      await until(() => responseComplete(received), "the response");
      return parseResponse(received);
    },
    closed,
    destroy: () => socket.destroy(),
  };
}

function responseComplete(raw: string): boolean {
  const headerEnd = raw.indexOf("\r\n\r\n");
  if (headerEnd < 0) return false;
  const length = /^content-length:\s*(\d+)/im.exec(raw.slice(0, headerEnd));
  return Buffer.byteLength(raw.slice(headerEnd + 4)) >= Number(length?.[1] ?? 0);
}

function parseResponse(raw: string): { status: number; body: string } {
  const headerEnd = raw.indexOf("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  return { status, body: raw.slice(headerEnd + 4) };
}

/** True when a new TCP connection to the port is refused (the server stopped accepting). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}
