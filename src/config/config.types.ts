export type ServerRole = "all" | "api" | "worker";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface DatabaseConfig {
  /** `sqlite:` file path or `postgres://` URL, as given (secrets redacted when logged). */
  url: string;
  kind: "sqlite" | "postgres";
  /** Absolute SQLite file path (only for kind "sqlite"). */
  sqlitePath: string | null;
  poolSize: number;
}

export interface JobsConfig {
  pollIntervalMs: number;
  leaseSeconds: number;
  concurrency: number;
  shutdownGraceMs: number;
}

export interface Pkcs11Config {
  /** Path of the PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  /** Token label to use; when null, `slot` selects the token. */
  tokenLabel: string | null;
  slot: number | null;
  pin: string;
}

export interface KeysConfig {
  /** Base64 of 32 bytes; when null, the key-encryption key lives in `masterKeyFile`. */
  masterKey: string | null;
  masterKeyFile: string;
  defaultBackend: "software" | "pkcs11";
  /** Null when no HSM is configured. */
  pkcs11: Pkcs11Config | null;
}

/** Cisco IP-phone security (issue 6; docs/cisco.md). */
export interface CiscoConfig {
  /** Project the compat APIs, CAPF, TVS and provisioning serve; null: resolved per caller. */
  projectId: string | null;
  /** Networks (CIDR) whose callers may use the compat APIs without an API key. */
  trustedNetworks: string[];
  listenHost: string;
  /** Null when the server is off. */
  capfPort: number | null;
  tvsPort: number | null;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  sessionTimeoutMs: number;
  /** "" when phones cannot fetch files over HTTP. */
  provisioningPath: string;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string;
  logLevel: LogLevel;
  role: ServerRole;
  bodyLimitBytes: number;
  database: DatabaseConfig;
  jobs: JobsConfig;
  keys: KeysConfig;
  cisco: CiscoConfig;
}
