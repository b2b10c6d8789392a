import { isIP } from "node:net";

import type { LogLevel, ServerRole } from "./config.types.js";

/**
 * Every setting once: its flag, environment variable, config-file key, default and parser.
 * The README's configuration table is this list.
 */

export type RawValue = string | number | boolean;

export interface Setting<T> {
  key: string;
  flag: string;
  env: string;
  description: string;
  default: T | ((partial: Record<string, unknown>) => T);
  parse(raw: RawValue): T;
  secret?: boolean;
}

export class SettingValueError extends Error {}

function integer(min: number, max: number) {
  return (raw: RawValue): number => {
    const text = String(raw).trim();
    const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new SettingValueError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  };
}

function oneOf<T extends string>(...values: T[]) {
  return (raw: RawValue): T => {
    const text = String(raw).trim().toLowerCase();
    if (!(values as string[]).includes(text)) {
      throw new SettingValueError(`must be one of ${values.join(", ")}`);
    }
    return text as T;
  };
}

function nonEmpty(raw: RawValue): string {
  const text = String(raw).trim();
  if (text === "") throw new SettingValueError("must not be empty");
  return text;
}

function httpUrl(raw: RawValue): string {
  const text = nonEmpty(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingValueError("must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SettingValueError("must be an absolute http:// or https:// URL");
  }
  if (url.search || url.hash) throw new SettingValueError("must not carry a query or fragment");
  return url.toString().replace(/\/+$/, "");
}

function databaseUrl(raw: RawValue): string {
  const text = nonEmpty(raw);
  if (/^postgres(ql)?:\/\//.test(text)) {
    try {
      new URL(text);
    } catch {
      throw new SettingValueError("is not a valid postgres:// URL");
    }
    return text;
  }
  if (text.startsWith("sqlite:")) return text;
  throw new SettingValueError('must start with "postgres://" or "sqlite:"');
}

/** A comma list of IP networks (`10.0.0.0/8, ::1`); a bare address is a /32 or /128. */
function networkList(raw: RawValue): string {
  const items = String(raw)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const item of items) {
    const [address = "", prefix, extra] = item.split("/");
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (family === 0 || extra !== undefined || bits < 0 || bits > max) {
      throw new SettingValueError(`"${item}" is not an IP address or network (a.b.c.d/n)`);
    }
  }
  return items.join(",");
}

function provisioningPath(raw: RawValue): string {
  const text = String(raw).trim().replace(/\/+$/, "");
  if (text !== "" && !/^(\/[A-Za-z0-9._-]+)+$/.test(text)) {
    throw new SettingValueError('must be a path such as "/provisioning", or empty');
  }
  return text;
}

export const SETTINGS = {
  host: {
    key: "host",
    flag: "host",
    env: "CERTSMITH_HOST",
    description: "Address the HTTP server binds to.",
    default: "127.0.0.1",
    parse: nonEmpty,
  } satisfies Setting<string>,
  port: {
    key: "port",
    flag: "port",
    env: "CERTSMITH_PORT",
    description: "TCP port of the HTTP server (0 picks a free one).",
    default: 8080,
    parse: integer(0, 65535),
  } satisfies Setting<number>,
  dataDir: {
    key: "data_dir",
    flag: "data-dir",
    env: "CERTSMITH_DATA_DIR",
    description: "Folder for the SQLite database, the master key file and other state.",
    default: "./data",
    parse: nonEmpty,
  } satisfies Setting<string>,
  databaseUrl: {
    key: "database_url",
    flag: "database-url",
    env: "DATABASE_URL",
    description: "`postgres://user:pass@host/db` for PostgreSQL, `sqlite:PATH` for SQLite.",
    default: "sqlite:<data-dir>/certsmith.db",
    parse: databaseUrl,
    secret: true,
  } satisfies Setting<string>,
  publicUrl: {
    key: "public_url",
    flag: "public-url",
    env: "CERTSMITH_PUBLIC_URL",
    description: "Base URL written into certificates (CRL, OCSP, CA issuers) and links.",
    default: "http://<host>:<port>",
    parse: httpUrl,
  } satisfies Setting<string>,
  logLevel: {
    key: "log_level",
    flag: "log-level",
    env: "CERTSMITH_LOG_LEVEL",
    description: "fatal, error, warn, info, debug, trace or silent.",
    default: "info",
    parse: oneOf<LogLevel>("fatal", "error", "warn", "info", "debug", "trace", "silent"),
  } satisfies Setting<LogLevel>,
  role: {
    key: "role",
    flag: "role",
    env: "CERTSMITH_ROLE",
    description: "all (API and workers), api (HTTP only) or worker (jobs only).",
    default: "all",
    parse: oneOf<ServerRole>("all", "api", "worker"),
  } satisfies Setting<ServerRole>,
  bodyLimitBytes: {
    key: "body_limit_bytes",
    flag: "body-limit-bytes",
    env: "CERTSMITH_BODY_LIMIT_BYTES",
    description: "Largest accepted request body; bigger ones get 413.",
    default: 1_048_576,
    parse: integer(1024, 64 * 1_048_576),
  } satisfies Setting<number>,
  databasePoolSize: {
    key: "database_pool_size",
    flag: "database-pool-size",
    env: "CERTSMITH_DATABASE_POOL_SIZE",
    description: "PostgreSQL connections per process.",
    default: 10,
    parse: integer(1, 200),
  } satisfies Setting<number>,
  jobConcurrency: {
    key: "job_concurrency",
    flag: "job-concurrency",
    env: "CERTSMITH_JOB_CONCURRENCY",
    description: "Jobs one worker process runs at the same time.",
    default: 4,
    parse: integer(1, 64),
  } satisfies Setting<number>,
  jobPollIntervalMs: {
    key: "job_poll_interval_ms",
    flag: "job-poll-interval-ms",
    env: "CERTSMITH_JOB_POLL_INTERVAL_MS",
    description: "How often an idle worker looks for due jobs.",
    default: 1000,
    parse: integer(10, 60_000),
  } satisfies Setting<number>,
  jobLeaseSeconds: {
    key: "job_lease_seconds",
    flag: "job-lease-seconds",
    env: "CERTSMITH_JOB_LEASE_SECONDS",
    description:
      "How long a claimed job stays claimed without a heartbeat before another worker retries it.",
    default: 60,
    parse: integer(1, 3600),
  } satisfies Setting<number>,
  shutdownGraceMs: {
    key: "shutdown_grace_ms",
    flag: "shutdown-grace-ms",
    env: "CERTSMITH_SHUTDOWN_GRACE_MS",
    description: "On SIGTERM, how long in-flight requests and jobs may take to finish.",
    default: 10_000,
    parse: integer(0, 600_000),
  } satisfies Setting<number>,
  masterKey: {
    key: "master_key",
    flag: "master-key",
    env: "CERTSMITH_MASTER_KEY",
    description:
      "Key-encryption key for software keys: base64 of 32 random bytes. Default: the file <data-dir>/master.key, created (0600) on first start.",
    default: "",
    parse: nonEmpty,
    secret: true,
  } satisfies Setting<string>,
  keyBackend: {
    key: "key_backend",
    flag: "key-backend",
    env: "CERTSMITH_KEY_BACKEND",
    description: "Default key backend for new keys: software or pkcs11.",
    default: "software",
    parse: oneOf<"software" | "pkcs11">("software", "pkcs11"),
  } satisfies Setting<"software" | "pkcs11">,
  pkcs11Module: {
    key: "pkcs11_module",
    flag: "pkcs11-module",
    env: "CERTSMITH_PKCS11_MODULE",
    description: "Path of the PKCS#11 module; setting it enables the pkcs11 key backend.",
    default: "",
    parse: nonEmpty,
  } satisfies Setting<string>,
  pkcs11TokenLabel: {
    key: "pkcs11_token_label",
    flag: "pkcs11-token-label",
    env: "CERTSMITH_PKCS11_TOKEN_LABEL",
    description: "Label of the PKCS#11 token holding Certsmith's keys.",
    default: "",
    parse: nonEmpty,
  } satisfies Setting<string>,
  pkcs11Slot: {
    key: "pkcs11_slot",
    flag: "pkcs11-slot",
    env: "CERTSMITH_PKCS11_SLOT",
    description: "Slot number of the token, when no token label is given.",
    default: 0,
    parse: integer(0, 2 ** 32 - 1),
  } satisfies Setting<number>,
  pkcs11Pin: {
    key: "pkcs11_pin",
    flag: "pkcs11-pin",
    env: "CERTSMITH_PKCS11_PIN",
    description: "User PIN of the PKCS#11 token.",
    default: "",
    parse: nonEmpty,
    secret: true,
  } satisfies Setting<string>,
  ciscoProject: {
    key: "cisco_project",
    flag: "cisco-project",
    env: "CERTSMITH_CISCO_PROJECT",
    description:
      "Project id the Cisco compat APIs (/api/capf, /api/tvs), CAPF, TVS and provisioning serve. Default: the API key's single project, else the only project.",
    default: "",
    parse: nonEmpty,
  } satisfies Setting<string>,
  ciscoTrustedNetworks: {
    key: "cisco_trusted_networks",
    flag: "cisco-trusted-networks",
    env: "CERTSMITH_CISCO_TRUSTED_NETWORKS",
    description:
      "cisco.trusted_networks: comma list of networks (10.0.0.0/8) whose callers use the Cisco compat APIs without an API key.",
    default: "",
    parse: networkList,
  } satisfies Setting<string>,
  ciscoListenHost: {
    key: "cisco_listen_host",
    flag: "cisco-listen-host",
    env: "CERTSMITH_CISCO_LISTEN_HOST",
    description: "Address the CAPF and TVS servers bind to.",
    default: "127.0.0.1",
    parse: nonEmpty,
  } satisfies Setting<string>,
  capfEnabled: {
    key: "capf_enabled",
    flag: "capf-enabled",
    env: "CERTSMITH_CAPF_ENABLED",
    description: "Start the CAPF server (TLS) with serve.",
    default: "false",
    parse: oneOf<"true" | "false">("true", "false"),
  } satisfies Setting<"true" | "false">,
  capfPort: {
    key: "capf_port",
    flag: "capf-port",
    env: "CERTSMITH_CAPF_PORT",
    description: "TCP port of the CAPF server (0 picks a free one).",
    default: 3804,
    parse: integer(0, 65535),
  } satisfies Setting<number>,
  tvsEnabled: {
    key: "tvs_enabled",
    flag: "tvs-enabled",
    env: "CERTSMITH_TVS_ENABLED",
    description: "Start the TVS server (TLS) with serve.",
    default: "false",
    parse: oneOf<"true" | "false">("true", "false"),
  } satisfies Setting<"true" | "false">,
  tvsPort: {
    key: "tvs_port",
    flag: "tvs-port",
    env: "CERTSMITH_TVS_PORT",
    description: "TCP port of the TVS server (0 picks a free one).",
    default: 2445,
    parse: integer(0, 65535),
  } satisfies Setting<number>,
  ciscoTlsCertFile: {
    key: "cisco_tls_cert_file",
    flag: "cisco-tls-cert-file",
    env: "CERTSMITH_CISCO_TLS_CERT_FILE",
    description:
      "PEM certificate (chain) the CAPF and TVS servers present; it must hold the CAPF/TVS role in the phones' ITL.",
    default: "",
    parse: nonEmpty,
  } satisfies Setting<string>,
  ciscoTlsKeyFile: {
    key: "cisco_tls_key_file",
    flag: "cisco-tls-key-file",
    env: "CERTSMITH_CISCO_TLS_KEY_FILE",
    description: "PEM private key of cisco_tls_cert_file.",
    default: "",
    parse: nonEmpty,
  } satisfies Setting<string>,
  ciscoSessionTimeoutMs: {
    key: "cisco_session_timeout_ms",
    flag: "cisco-session-timeout-ms",
    env: "CERTSMITH_CISCO_SESSION_TIMEOUT_MS",
    description: "A CAPF or TVS session idle this long is closed.",
    default: 30_000,
    parse: integer(100, 600_000),
  } satisfies Setting<number>,
  ciscoProvisioningPath: {
    key: "cisco_provisioning_path",
    flag: "cisco-provisioning-path",
    env: "CERTSMITH_CISCO_PROVISIONING_PATH",
    description:
      "HTTP path where phones fetch ITLFile.tlv and SEP<MAC>.cnf.xml(.enc).sgn files; empty turns it off.",
    default: "/provisioning",
    parse: provisioningPath,
  } satisfies Setting<string>,
} as const;

export type SettingName = keyof typeof SETTINGS;
