import pino, { type DestinationStream, type Logger } from "pino";

import type { LogLevel } from "../config/config.types.js";

/** Paths never written to a log line, whatever a caller logs by mistake. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'req.headers["x-setup-token"]',
  "*.new_password",
  "*.current_password",
  "*.sessionToken",
  'res.headers["set-cookie"]',
  "*.password",
  "*.pin",
  "*.secret",
  "*.token",
  "*.private_key",
  "*.privateKey",
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "certsmith" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}
