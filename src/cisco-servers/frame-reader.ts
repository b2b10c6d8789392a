/**
 * Reads length-prefixed frames from a socket, one at a time, with an idle timeout. The framing
 * function rejects a bad or oversized header at once, so a hostile peer can never make us buffer
 * more than one bounded message.
 */

import type { Duplex } from "node:stream";

export class SessionClosed extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "SessionClosed";
  }
}

export interface FrameReader {
  /** The next whole frame; rejects with SessionClosed on timeout, end of stream or bad framing. */
  next(): Promise<Uint8Array>;
}

export function createFrameReader(
  socket: Duplex,
  frameLength: (buffer: Uint8Array) => number | undefined,
  idleTimeoutMs: number,
): FrameReader {
  let buffer: Buffer = Buffer.alloc(0);
  let failure: Error | null = null;
  let waiter: (() => void) | null = null;

  const wake = () => {
    const resume = waiter;
    waiter = null;
    resume?.();
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    wake();
  });
  socket.on("end", () => {
    failure ??= new SessionClosed("the peer closed the session");
    wake();
  });
  socket.on("close", () => {
    failure ??= new SessionClosed("the connection closed");
    wake();
  });
  socket.on("error", (error) => {
    failure ??= new SessionClosed(`connection error: ${error.message}`);
    wake();
  });

  function take(): Uint8Array | undefined {
    const length = frameLength(buffer);
    if (length === undefined) return undefined;
    const frame = buffer.subarray(0, length);
    buffer = buffer.subarray(length);
    return new Uint8Array(frame);
  }

  async function next(): Promise<Uint8Array> {
    const deadline = Date.now() + idleTimeoutMs;
    for (;;) {
      const frame = take();
      if (frame) return frame;
      if (failure) throw failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new SessionClosed("the session was idle too long");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, remaining);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return { next };
}
