import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ConfigError, loadConfig, redactConfig } from "./load.js";

describe("loadConfig", () => {
  it("uses the documented defaults: loopback:8080, ./data, SQLite in the data dir", () => {
    const config = loadConfig({ env: {}, cwd: "/srv/cs" });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dataDir: "/srv/cs/data",
      publicUrl: "http://127.0.0.1:8080",
      role: "all",
      database: { kind: "sqlite", sqlitePath: "/srv/cs/data/certsmith.db" },
    });
    expect(Object.isFrozen(config) && Object.isFrozen(config.database)).toBe(true);
  });

  it("takes flags over environment over the config file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cfg-"));
    const file = path.join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ port: 7000, log_level: "debug", role: "worker" }));
    const config = loadConfig({
      flags: { config: file, port: "9000" },
      env: { CERTSMITH_PORT: "8000", CERTSMITH_LOG_LEVEL: "warn" },
    });
    expect(config.port).toBe(9000);
    expect(config.logLevel).toBe("warn");
    expect(config.role).toBe("worker");
  });

  it("selects PostgreSQL from a postgres:// URL", () => {
    const config = loadConfig({ env: { DATABASE_URL: "postgres://u:p@db:5432/cs" } });
    expect(config.database).toMatchObject({ kind: "postgres", sqlitePath: null });
  });

  it.each([
    [{ port: "http" }, /--port: must be an integer from 0 to 65535 \(got "http"\)/],
    [{ role: "both" }, /--role: must be one of all, api, worker/],
    [{ "public-url": "ftp://x" }, /--public-url: must be an absolute http/],
    [
      { "database-url": "mysql://x" },
      /--database-url: must start with "postgres:\/\/" or "sqlite:"$/,
    ],
    [{ host: "0.0.0.0" }, /CERTSMITH_PUBLIC_URL: required when host is "0.0.0.0"/],
    [{ "pkcs11-module": "/x.so", "pkcs11-token-label": "t" }, /CERTSMITH_PKCS11_PIN: required/],
  ])("stops with one line naming the setting for %o", (flags, message) => {
    expect(() => loadConfig({ flags, env: {} })).toThrowError(ConfigError);
    expect(() => loadConfig({ flags, env: {} })).toThrowError(message);
  });

  it("binds to any address, with the public URL said explicitly for a wildcard one", () => {
    const config = loadConfig({
      flags: { host: "0.0.0.0", "public-url": "https://certs.example.test" },
      env: {},
    });
    expect(config.host).toBe("0.0.0.0");
    expect(config.publicUrl).toBe("https://certs.example.test");
    expect(loadConfig({ flags: { host: "192.0.2.10" }, env: {} }).publicUrl).toBe(
      "http://192.0.2.10:8080",
    );
  });

  it("names the environment variable when the bad value came from there", () => {
    expect(() => loadConfig({ env: { CERTSMITH_PORT: "-1" } })).toThrowError(
      /CERTSMITH_PORT: must be an integer/,
    );
  });

  it("refuses unknown keys and bad JSON in the config file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cfg-"));
    const file = path.join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ flags: { config: file }, env: {} })).toThrowError(
      /unknown setting "prot"/,
    );
    writeFileSync(file, "{");
    expect(() => loadConfig({ flags: { config: file }, env: {} })).toThrowError(
      /is not valid JSON/,
    );
  });

  it("never shows secrets: not in errors, not in redacted config", () => {
    const config = loadConfig({
      env: { DATABASE_URL: "postgres://app:hunter2@db/cs", CERTSMITH_MASTER_KEY: "c2VjcmV0" },
    });
    expect(JSON.stringify(redactConfig(config))).not.toMatch(/hunter2|c2VjcmV0/);
  });
});
