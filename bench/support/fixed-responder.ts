import { spawn } from "node:child_process";

import { freePort } from "../../test/support/ports.js";

/**
 * The fastest any Node.js OCSP responder could be: a bare `node:http` server in its own process
 * that reads the request and sends one fixed response, doing no OCSP work at all. Measured with
 * the same client, it shows how much of a responder's figure is the cost of HTTP and TCP in
 * Node (accept, parse, write, close) rather than of answering.
 */
export async function startFixedResponder(body: Buffer): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const script = `
    const body = Buffer.from(process.argv[2], "base64");
    const headers = { "content-type": "application/ocsp-response", "content-length": body.length };
    require("node:http")
      .createServer((request, response) => {
        request.resume();
        request.on("end", () => { response.writeHead(200, headers); response.end(body); });
      })
      .listen(Number(process.argv[1]), "127.0.0.1", () => console.log("listening"));
  `;
  const child = spawn(process.execPath, ["-e", script, String(port), body.toString("base64")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the fixed responder exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill("SIGTERM") };
}
