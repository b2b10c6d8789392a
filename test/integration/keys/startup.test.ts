import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApp } from "../../../src/app/create-app.js";
import { loadConfig } from "../../../src/config/load.js";
import { KeyStoreConfigError } from "../../../src/keys/errors.js";
import { DIALECTS } from "../../support/dialects.js";
import { createSoftHsmToken, type SoftHsmToken } from "../../support/softhsm.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-store.js";

const run = promisify(execFile);
const TSX = path.resolve("node_modules/.bin/tsx");

describe("key custody at start-up", () => {
  let token: SoftHsmToken;
  beforeAll(async () => {
    token = await createSoftHsmToken();
  });
  afterAll(() => token?.destroy());

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, () => {
      let database: TestDatabase;
      let dataDir: string;
      const start = (flags: Record<string, string> = {}) =>
        createApp(
          loadConfig({
            flags: { "data-dir": dataDir, "database-url": database.config.url, ...flags },
            env: {},
          }),
          { logger: pino({ level: "silent" }) },
        );

      beforeAll(async () => {
        database = await createTestDatabase(dialect);
        dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-data-"));
      });
      afterAll(async () => {
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it("creates <data-dir>/master.key (0600) on first start and keeps it afterwards", async () => {
        const app = await start();
        const file = path.join(dataDir, "master.key");
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(app.keys.defaultBackend).toBe("software");
        const info = await app.keys.get("software").generate("ECDSA-P256");
        await app.close();

        const again = await start();
        expect((await again.keys.forKeyRef(info.keyRef).publicKey(info.keyRef)).keyType).toBe(
          "ECDSA-P256",
        );
        await again.close();
      });

      it("stops start-up on a wrong master key", async () => {
        const wrong = randomBytes(32).toString("base64");
        const error = (await start({ "master-key": wrong }).catch((e: unknown) => e)) as Error;
        expect(error).toBeInstanceOf(KeyStoreConfigError);
        expect(error.message).toMatch(/^the master key from CERTSMITH_MASTER_KEY is not the one/);
      });

      it("opens both backends when a PKCS#11 token is configured, and stops on a wrong PIN", async () => {
        const pkcs11Flags = {
          "pkcs11-module": token.modulePath,
          "pkcs11-token-label": token.tokenLabel,
          "key-backend": "pkcs11",
        };
        const app = await start({ ...pkcs11Flags, "pkcs11-pin": token.pin });
        expect(app.keys.backends().sort()).toEqual(["pkcs11", "software"]);
        const info = await app.keys.get(app.keys.defaultBackend).generate("ECDSA-P256");
        expect(info.keyRef).toMatch(/^pkcs11:/);
        await app.close();

        const error = (await start({ ...pkcs11Flags, "pkcs11-pin": "0000" }).catch(
          (e: unknown) => e,
        )) as Error;
        expect(error).toBeInstanceOf(KeyStoreConfigError);
        expect(error.message).toContain("refused the configured PIN (CKR_PIN_INCORRECT)");
      });
    });
  }

  it("prints one clear line and exits 1 when `certsmith serve` gets a wrong master key", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-data-"));
    try {
      const flags = ["--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0"];
      // First start seals nothing yet but records the key check; then a different key.
      const first = await createApp(loadConfig({ flags: { "data-dir": dataDir }, env: {} }), {
        logger: pino({ level: "silent" }),
      });
      await first.close();
      const wrong = randomBytes(32).toString("base64");
      const result = await run(TSX, ["src/main.ts", "serve", ...flags], {
        env: { ...process.env, CERTSMITH_MASTER_KEY: wrong },
        timeout: 60_000,
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^certsmith: key custody: the master key from CERTSMITH_MASTER_KEY is not the one this database's software keys were sealed with: .*\n$/,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toContain(wrong);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
