import { execFileSync } from "node:child_process";
import { createPrivateKey, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { KeyStoreConfigError } from "../../../src/keys/errors.js";
import {
  openSoftwareKeyStore,
  type SoftwareKeyStore,
} from "../../../src/keys/software/software-key-store.js";
import { KEY_TYPES } from "../../../src/pki/signer.js";
import type { Store } from "../../../src/store/db.js";
import { createSoftwareKeysRepository } from "../../../src/store/software-keys.repo.js";
import { DIALECTS } from "../../support/dialects.js";
import { createTestStore } from "../../support/test-store.js";

import { opensslGeneratePkcs8 } from "./openssl.js";
import { defineSigningContract } from "./signing-contract.js";

for (const dialect of DIALECTS) {
  describe(`software key store on ${dialect}`, () => {
    let store: Store & { database: { config: { sqlitePath: string | null } } };
    let dataDir: string;
    let keys: SoftwareKeyStore;

    const masterKeyFile = () => path.join(dataDir, "master.key");
    const open = (masterKey: string | null = null) =>
      openSoftwareKeyStore({
        repository: createSoftwareKeysRepository(store.db),
        masterKey,
        masterKeyFile: masterKeyFile(),
      });

    beforeAll(async () => {
      store = await createTestStore(dialect);
      dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-keys-"));
      keys = await open();
    });
    afterAll(async () => {
      await keys?.close();
      await store?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    describe("signing", () => {
      defineSigningContract(() => keys, KEY_TYPES);
    });

    it("creates the master key file with mode 0600 and base64 of 32 bytes on first start", () => {
      const stat = statSync(masterKeyFile());
      expect(stat.mode & 0o777).toBe(0o600);
      const text = readFileSync(masterKeyFile(), "utf8").trim();
      expect(Buffer.from(text, "base64")).toHaveLength(32);
      expect(Buffer.from(text, "base64").toString("base64")).toBe(text);
    });

    it("reopens with the same master key file and still signs with earlier keys", async () => {
      const info = await keys.generate("ECDSA-P256");
      const before = readFileSync(masterKeyFile());
      const again = await open();
      const signer = await again.signer(info.keyRef);
      expect(
        await signer.sign(Buffer.from("x"), { kind: "ecdsa", hash: "SHA-256" }),
      ).toBeInstanceOf(Uint8Array);
      expect(readFileSync(masterKeyFile())).toEqual(before);
      await again.close();
    });

    it("stops with a clear message when the master key is not the one the keys were sealed with", async () => {
      const wrong = randomBytes(32).toString("base64");
      const error: unknown = await open(wrong).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyStoreConfigError);
      expect((error as Error).message).toMatch(
        /CERTSMITH_MASTER_KEY is not the one this database's software keys were sealed with/,
      );
      expect((error as Error).message).not.toContain(wrong);
      expect((error as Error).message).not.toContain("\n");
    });

    it("refuses a master key that is not base64 of 32 bytes, without echoing it", async () => {
      await expect(open("c2hvcnQ=")).rejects.toThrow(/base64 of 32 random bytes/);
      const error = (await open("not-base64!!").catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(KeyStoreConfigError);
      expect(error.message).not.toContain("not-base64!!");
    });

    it("refuses to start without the master key file once keys are sealed, and does not create one", async () => {
      const saved = readFileSync(masterKeyFile());
      rmSync(masterKeyFile());
      try {
        await expect(open()).rejects.toThrow(/master key file .* is missing/);
        expect(() => statSync(masterKeyFile())).toThrow();
      } finally {
        writeFileSync(masterKeyFile(), saved, { mode: 0o600 });
      }
    });

    it("refuses a master key file others can read", async () => {
      const other = mkdtempSync(path.join(os.tmpdir(), "certsmith-keys-"));
      const file = path.join(other, "master.key");
      writeFileSync(file, readFileSync(masterKeyFile()), { mode: 0o644 });
      try {
        await expect(
          openSoftwareKeyStore({
            repository: createSoftwareKeysRepository(store.db),
            masterKey: null,
            masterKeyFile: file,
          }),
        ).rejects.toThrow(/readable by others .*chmod 600/);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it("accepts the same key given as CERTSMITH_MASTER_KEY", async () => {
      const fromEnv = await open(readFileSync(masterKeyFile(), "utf8").trim());
      const info = await fromEnv.generate("Ed25519");
      expect((await keys.signer(info.keyRef)).keyType).toBe("Ed25519");
      await fromEnv.close();
    });

    it("never stores the private key in the clear", async () => {
      const pkcs8 = await opensslGeneratePkcs8([
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
      ]);
      const info = await keys.importPrivateKey(pkcs8, { isExportable: true });
      const jwk = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({
        format: "jwk",
      });
      const scalar = Buffer.from(jwk.d!, "base64url");
      expect(scalar).toHaveLength(32);

      const rows = await sql<
        Record<string, unknown>
      >`select * from software_keys where key_ref = ${info.keyRef}`.execute(store.db);
      expect(rows.rows).toHaveLength(1);
      const stored = Buffer.concat(
        Object.values(rows.rows[0]!).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))),
      );
      expect(stored.indexOf(pkcs8)).toBe(-1);
      expect(stored.indexOf(scalar)).toBe(-1);
      if (dialect === "sqlite") {
        const dir = path.dirname(store.database.config.sqlitePath!);
        for (const file of readdirSync(dir)) {
          const bytes = readFileSync(path.join(dir, file));
          expect(bytes.indexOf(scalar), file).toBe(-1);
        }
      }
      // And the key still works: the export is the very PKCS#8 that went in.
      expect(Buffer.from(await keys.exportPrivateKey(info.keyRef))).toEqual(pkcs8);
    });

    it("exports only keys created exportable", async () => {
      const sealedKey = await keys.generate("ECDSA-P384");
      await expect(keys.exportPrivateKey(sealedKey.keyRef)).rejects.toMatchObject({
        code: "not_exportable",
      });
      const exportable = await keys.generate("RSA-2048", { isExportable: true });
      const pkcs8 = Buffer.from(await keys.exportPrivateKey(exportable.keyRef));
      const spki = execFileSync(
        "openssl",
        ["pkey", "-inform", "DER", "-pubout", "-outform", "DER"],
        {
          input: pkcs8,
        },
      );
      expect(spki).toEqual(Buffer.from(exportable.publicKeySpki));
    });

    it("refuses input that is not a PKCS#8 private key", async () => {
      await expect(keys.importPrivateKey(randomBytes(64))).rejects.toMatchObject({
        code: "invalid_key",
      });
      const x448 = await opensslGeneratePkcs8(["-algorithm", "X448"]);
      await expect(keys.importPrivateKey(x448)).rejects.toMatchObject({ code: "unsupported" });
    });

    describe("tampering", () => {
      async function corrupt(keyRef: string, change: string) {
        await sql
          .raw(`update software_keys set ${change} where key_ref = '${keyRef}'`)
          .execute(store.db);
      }

      it("reports key_integrity for an altered sealed key", async () => {
        const info = await keys.generate("ECDSA-P256");
        const row = await createSoftwareKeysRepository(store.db).findKey(info.keyRef);
        const sealed = Buffer.from(row!.sealedPrivateKey);
        sealed[sealed.length - 20]! ^= 0x01;
        await store.db
          .updateTable("software_keys")
          .set({ sealed_private_key: sealed })
          .where("key_ref", "=", info.keyRef)
          .execute();
        const fresh = await open();
        await expect(fresh.signer(info.keyRef)).rejects.toMatchObject({ code: "key_integrity" });
        await expect(
          fresh.signDigests(info.keyRef, [new Uint8Array(32)], { kind: "ecdsa", hash: "SHA-256" }),
        ).rejects.toMatchObject({ code: "key_integrity" });
        await fresh.close();
      });

      it("reports key_integrity when the export flag is switched on in the table", async () => {
        const info = await keys.generate("Ed25519");
        await corrupt(info.keyRef, "is_exportable = 1");
        const fresh = await open();
        await expect(fresh.exportPrivateKey(info.keyRef)).rejects.toMatchObject({
          code: "key_integrity",
        });
        await fresh.close();
      });

      it("reports key_integrity for a sealed key moved onto another key's row", async () => {
        const a = await keys.generate("ECDSA-P256");
        const b = await keys.generate("ECDSA-P256");
        const repo = createSoftwareKeysRepository(store.db);
        const rowA = await repo.findKey(a.keyRef);
        await store.db
          .updateTable("software_keys")
          .set({
            sealed_private_key: Buffer.from(rowA!.sealedPrivateKey),
            wrapped_data_key: Buffer.from(rowA!.wrappedDataKey),
          })
          .where("key_ref", "=", b.keyRef)
          .execute();
        const fresh = await open();
        await expect(fresh.signer(b.keyRef)).rejects.toMatchObject({ code: "key_integrity" });
        await fresh.close();
      });
    });
  });
}
