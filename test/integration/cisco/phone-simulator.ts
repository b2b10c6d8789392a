/**
 * A Cisco phone, as far as CAPF (spec §5.3–5.5) and TVS (§6) see it, written in test code from the
 * spec: its own byte encoder and reader, not `src/pki/cisco-wire`. It talks TLS on loopback.
 */

import { createHash, constants, privateEncrypt, type KeyObject } from "node:crypto";
import tls, { type TLSSocket } from "node:tls";

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
/** "55 01 00000001" → bytes (spaces ignored), to compare with the spec's vectors. */
export const fromHex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");

/** One element: 1-byte tag, 2-byte big-endian length, value (§5.3). */
export function element(tag: number, value: Uint8Array): Buffer {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

export const nul = (text: string) => Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
export const byte = (value: number) => Buffer.from([value]);

/** A CAPF message: 0x55, command, session id (BE32), elements length (BE16), elements (§5.3). */
export function capfMessage(command: number, sessionId: number, elements: Buffer[] = []): Buffer {
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head[0] = 0x55;
  head[1] = command;
  head.writeUInt32BE(sessionId, 2);
  head.writeUInt16BE(body.length, 6);
  return Buffer.concat([head, body]);
}

/** §5.3 CERTIFICATE: `01`, BE16 (DER length + 2), `00`, type, DER. */
export function wrappedCertificate(der: Uint8Array, type = 1): Buffer {
  const head = Buffer.alloc(5);
  head[0] = 1;
  head.writeUInt16BE(der.length + 2, 1);
  head[3] = 0;
  head[4] = type;
  return Buffer.concat([head, der]);
}

export interface ReadMessage {
  raw: Buffer;
  command: number;
  sessionId: number;
  elements: Map<number, Buffer>;
}

function parseElements(body: Buffer): Map<number, Buffer> {
  const elements = new Map<number, Buffer>();
  let offset = 0;
  while (offset < body.length) {
    const length = body.readUInt16BE(offset + 1);
    elements.set(body[offset]!, body.subarray(offset + 3, offset + 3 + length));
    offset += 3 + length;
  }
  return elements;
}

/** A TLS connection that reads whole CAPF (8-byte header) or TVS (10-byte header) messages. */
export class PhoneConnection {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(
    readonly socket: TLSSocket,
    private readonly headerBytes: number,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => undefined);
  }

  static connect(port: number, kind: "capf" | "tvs", ca: string): Promise<PhoneConnection> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect(
        { host: "127.0.0.1", port, ca, checkServerIdentity: () => undefined },
        () => resolve(new PhoneConnection(socket, kind === "capf" ? 8 : 10)),
      );
      socket.once("error", reject);
    });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next whole message, or null when the server closed the connection first. */
  async read(timeoutMs = 5000): Promise<ReadMessage | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffer.length >= this.headerBytes) {
        const length = this.buffer.readUInt16BE(this.headerBytes - 2);
        const total = this.headerBytes + length;
        if (this.buffer.length >= total) {
          const raw = this.buffer.subarray(0, total);
          this.buffer = this.buffer.subarray(total);
          const capf = this.headerBytes === 8;
          return {
            raw,
            command: raw[capf ? 1 : 2]!,
            sessionId: raw.readUInt32BE(capf ? 2 : 4),
            elements: parseElements(raw.subarray(this.headerBytes)),
          };
        }
      }
      if (this.closed) return null;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error("no message from the server in time");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * §5.5 RSA proof: the private-key operation on `00 01 FF…FF 00 ‖ H` with the bare digest (no
 * DigestInfo), which is exactly what PKCS#1 v1.5 type-1 padding of H gives.
 */
export function rsaProof(
  key: KeyObject,
  deviceName: string,
  certificateDer: Uint8Array,
  digest: "sha1" | "sha512",
): Buffer {
  const authData = Buffer.concat([Buffer.from(deviceName), Buffer.from([0]), certificateDer]);
  const hash = createHash(digest).update(authData).digest();
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, hash);
}

/** A TVS VERIFY_REQUEST (§6): header, DEVICE_NAME with its leading 01 byte, CERTIFICATE. */
export function tvsRequest(sessionId: number, deviceName: string, certificateDer: Uint8Array) {
  const body = Buffer.concat([
    element(1, Buffer.concat([Buffer.from([1]), Buffer.from(deviceName, "ascii")])),
    element(2, certificateDer),
  ]);
  const head = Buffer.from([0x57, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  head.writeUInt32BE(sessionId, 4);
  head.writeUInt16BE(body.length, 8);
  return Buffer.concat([head, body]);
}
