import { readFileSync } from "node:fs";
import path from "node:path";

import type { Config } from "./config.types.js";
import {
  SETTINGS,
  SettingValueError,
  type RawValue,
  type Setting,
  type SettingName,
} from "./settings.js";

/** A bad setting: main prints `message` as one line and exits non-zero. */
export class ConfigError extends Error {}

export interface ConfigSources {
  /** Parsed command-line flags, keyed by flag name without dashes (`data-dir`). */
  flags?: Record<string, string | boolean | undefined>;
  env?: Record<string, string | undefined>;
  /** Working directory relative paths resolve against. */
  cwd?: string;
}

type Raw = { value: RawValue; origin: string };

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`config file "${file}" cannot be read (${reason})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file "${file}" is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file "${file}" must hold a JSON object`);
  }
  const known = new Set(Object.values(SETTINGS).map((s) => s.key));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`config file "${file}": unknown setting "${key}"`);
  }
  return parsed as Record<string, unknown>;
}

/** 0.0.0.0 and :: listen everywhere but name no address a client could use in a URL. */
function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

/**
 * Builds the one frozen Config from flags, environment and an optional JSON config file, in that
 * precedence. Throws ConfigError naming the setting and where its bad value came from.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const configPath = flags.config ?? env.CERTSMITH_CONFIG;
  const file =
    typeof configPath === "string" && configPath !== ""
      ? readConfigFile(path.resolve(cwd, configPath))
      : {};

  const rawOf = (setting: Setting<unknown>): Raw | undefined => {
    const flag = flags[setting.flag];
    if (flag !== undefined) return { value: flag, origin: `--${setting.flag}` };
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, origin: setting.env };
    const fromFile = file[setting.key];
    if (fromFile !== undefined) {
      if (
        typeof fromFile !== "string" &&
        typeof fromFile !== "number" &&
        typeof fromFile !== "boolean"
      ) {
        throw new ConfigError(`setting "${setting.key}" (config file): must be a string or number`);
      }
      return { value: fromFile, origin: `config file key "${setting.key}"` };
    }
    return undefined;
  };

  function get<N extends SettingName>(
    name: N,
  ): ReturnType<(typeof SETTINGS)[N]["parse"]> | undefined {
    const setting = SETTINGS[name] as Setting<unknown>;
    const raw = rawOf(setting);
    if (raw === undefined) return undefined;
    try {
      return setting.parse(raw.value) as ReturnType<(typeof SETTINGS)[N]["parse"]>;
    } catch (error) {
      if (!(error instanceof SettingValueError)) throw error;
      const shown = setting.secret ? "" : ` (got "${String(raw.value)}")`;
      throw new ConfigError(`setting ${raw.origin}: ${error.message}${shown}`);
    }
  }

  const host = get("host") ?? SETTINGS.host.default;
  const port = get("port") ?? SETTINGS.port.default;
  const dataDir = path.resolve(cwd, get("dataDir") ?? SETTINGS.dataDir.default);
  const databaseUrl = get("databaseUrl") ?? `sqlite:${path.join(dataDir, "certsmith.db")}`;
  const isPostgres = databaseUrl.startsWith("postgres");
  const hostForUrl = host.includes(":") ? `[${host}]` : host;

  if (isWildcard(host) && get("publicUrl") === undefined) {
    // The public URL goes into certificates (CDP, AIA) and links; a wildcard bind address would
    // make them unreachable, so it must be said explicitly.
    throw new ConfigError(
      `setting ${SETTINGS.publicUrl.env}: required when host is "${host}" (the URL clients and certificates use to reach this server)`,
    );
  }

  const pkcs11Module = get("pkcs11Module");
  const pkcs11TokenLabel = get("pkcs11TokenLabel") ?? null;
  const pkcs11Slot = get("pkcs11Slot") ?? null;
  const pkcs11Pin = get("pkcs11Pin");
  if (pkcs11Module !== undefined && pkcs11Pin === undefined) {
    throw new ConfigError(
      `setting ${SETTINGS.pkcs11Pin.env}: required when a PKCS#11 module is configured`,
    );
  }
  if (pkcs11Module !== undefined && pkcs11TokenLabel === null && pkcs11Slot === null) {
    throw new ConfigError(
      `setting ${SETTINGS.pkcs11TokenLabel.env}: give a token label (or ${SETTINGS.pkcs11Slot.env}) with the PKCS#11 module`,
    );
  }
  const keyBackend = get("keyBackend") ?? SETTINGS.keyBackend.default;
  if (keyBackend === "pkcs11" && pkcs11Module === undefined) {
    throw new ConfigError(
      `setting ${SETTINGS.keyBackend.env}: "pkcs11" needs ${SETTINGS.pkcs11Module.env}`,
    );
  }

  const ciscoTlsCertFile = get("ciscoTlsCertFile");
  const ciscoTlsKeyFile = get("ciscoTlsKeyFile");
  const capfEnabled = (get("capfEnabled") ?? SETTINGS.capfEnabled.default) === "true";
  const tvsEnabled = (get("tvsEnabled") ?? SETTINGS.tvsEnabled.default) === "true";
  if ((capfEnabled || tvsEnabled) && (!ciscoTlsCertFile || !ciscoTlsKeyFile)) {
    throw new ConfigError(
      `setting ${SETTINGS.ciscoTlsCertFile.env}: the CAPF and TVS servers need ${SETTINGS.ciscoTlsCertFile.env} and ${SETTINGS.ciscoTlsKeyFile.env}`,
    );
  }
  const trustedNetworks = get("ciscoTrustedNetworks") ?? SETTINGS.ciscoTrustedNetworks.default;

  const config: Config = {
    host,
    port,
    dataDir,
    publicUrl: get("publicUrl") ?? `http://${hostForUrl}:${port}`,
    logLevel: get("logLevel") ?? SETTINGS.logLevel.default,
    role: get("role") ?? SETTINGS.role.default,
    bodyLimitBytes: get("bodyLimitBytes") ?? SETTINGS.bodyLimitBytes.default,
    database: {
      url: databaseUrl,
      kind: isPostgres ? "postgres" : "sqlite",
      sqlitePath: isPostgres ? null : path.resolve(cwd, databaseUrl.slice("sqlite:".length)),
      poolSize: get("databasePoolSize") ?? SETTINGS.databasePoolSize.default,
    },
    jobs: {
      concurrency: get("jobConcurrency") ?? SETTINGS.jobConcurrency.default,
      pollIntervalMs: get("jobPollIntervalMs") ?? SETTINGS.jobPollIntervalMs.default,
      leaseSeconds: get("jobLeaseSeconds") ?? SETTINGS.jobLeaseSeconds.default,
      shutdownGraceMs: get("shutdownGraceMs") ?? SETTINGS.shutdownGraceMs.default,
    },
    keys: {
      masterKey: get("masterKey") ?? null,
      masterKeyFile: path.join(dataDir, "master.key"),
      defaultBackend: keyBackend,
      pkcs11:
        pkcs11Module === undefined
          ? null
          : {
              modulePath: path.resolve(cwd, pkcs11Module),
              tokenLabel: pkcs11TokenLabel,
              slot: pkcs11Slot,
              pin: pkcs11Pin!,
            },
    },
    cisco: {
      projectId: get("ciscoProject") ?? null,
      trustedNetworks: trustedNetworks === "" ? [] : trustedNetworks.split(","),
      listenHost: get("ciscoListenHost") ?? SETTINGS.ciscoListenHost.default,
      capfPort: capfEnabled ? (get("capfPort") ?? SETTINGS.capfPort.default) : null,
      tvsPort: tvsEnabled ? (get("tvsPort") ?? SETTINGS.tvsPort.default) : null,
      tlsCertFile: ciscoTlsCertFile ? path.resolve(cwd, ciscoTlsCertFile) : null,
      tlsKeyFile: ciscoTlsKeyFile ? path.resolve(cwd, ciscoTlsKeyFile) : null,
      sessionTimeoutMs: get("ciscoSessionTimeoutMs") ?? SETTINGS.ciscoSessionTimeoutMs.default,
      provisioningPath: get("ciscoProvisioningPath") ?? SETTINGS.ciscoProvisioningPath.default,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The config with secrets masked, for logging. */
export function redactConfig(config: Config): Config {
  const url = config.database.url.replace(/(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, "$1****@");
  const keys = {
    ...config.keys,
    masterKey: config.keys.masterKey === null ? null : "****",
    pkcs11: config.keys.pkcs11 === null ? null : { ...config.keys.pkcs11, pin: "****" },
  };
  return { ...config, database: { ...config.database, url }, keys };
}
