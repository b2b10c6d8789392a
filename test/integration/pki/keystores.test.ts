import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PkiError } from "../../../src/pki/errors.js";
import { buildJks } from "../../../src/pki/jks.js";
import { decodePem, encodePem } from "../../../src/pki/pem.js";
import { parsePkcs12 } from "../../../src/pki/pkcs12-read.js";
import { buildPkcs12 } from "../../../src/pki/pkcs12.js";
import { buildZipBundle } from "../../../src/pki/zip.js";

import { issueChain, type TestChain } from "./support/chain.js";
import { createWorkDir, mustRun, runTool } from "./support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());

let chain: TestChain;
let rsaChain: TestChain;
beforeAll(async () => {
  chain = await issueChain("ECDSA-P256");
  rsaChain = await issueChain("RSA-2048");
}, 120_000);

/** The PKCS#8 DER openssl writes for a key file, to compare with ours. */
async function opensslPkcs8(keyFile: string, passin: string[] = []): Promise<Uint8Array> {
  const out = work.path(`pkcs8-${Math.random().toString(36).slice(2)}.der`);
  await mustRun("openssl", [
    "pkcs8",
    "-topk8",
    "-nocrypt",
    "-in",
    keyFile,
    ...passin,
    "-outform",
    "DER",
    "-out",
    out,
  ]);
  return new Uint8Array(work.read(out.split("/").at(-1)!));
}

describe("PKCS#12 with OpenSSL and keytool", () => {
  it.each(["ECDSA-P256", "RSA-2048"])(
    "openssl pkcs12 -info opens a %s file and reports the OpenSSL 3 algorithms",
    async (keyType) => {
      const c = keyType === "RSA-2048" ? rsaChain : chain;
      const file = work.write(
        `ours-${keyType}.p12`,
        buildPkcs12({
          certificate: c.leaf,
          chain: [c.intermediate, c.root],
          privateKey: c.leafKey.pkcs8,
          password: "p12-secret",
          friendlyName: "www",
        }),
      );
      const info = await mustRun("openssl", [
        "pkcs12",
        "-info",
        "-in",
        file,
        "-passin",
        "pass:p12-secret",
        "-nodes",
      ]);
      expect(info).toContain("MAC: sha256, Iteration 2048");
      expect(info).toContain(
        "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
      );
      expect(info).toContain(
        "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
      );
      expect(info).toContain("friendlyName: www");
      const certificates = decodePem(info).filter((b) => b.label === "CERTIFICATE");
      expect(certificates.map((b) => Buffer.from(b.der).toString("hex"))).toEqual(
        [c.leaf, c.intermediate, c.root].map((d) => Buffer.from(d).toString("hex")),
      );
      const keyFile = work.write(`ours-${keyType}.key`, info);
      expect(await opensslPkcs8(keyFile)).toEqual(c.leafKey.pkcs8);
    },
  );

  it("openssl refuses our file with a wrong password", async () => {
    const file = work.write(
      "wrong.p12",
      buildPkcs12({
        certificate: chain.leaf,
        privateKey: chain.leafKey.pkcs8,
        password: "right-one",
      }),
    );
    const result = await runTool("openssl", [
      "pkcs12",
      "-info",
      "-in",
      file,
      "-passin",
      "pass:wrong-one",
      "-nodes",
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Mac verify error/);
  });

  it("keytool lists our PKCS#12 as a PrivateKeyEntry with its chain", async () => {
    const file = work.write(
      "java.p12",
      buildPkcs12({
        certificate: chain.leaf,
        chain: [chain.intermediate, chain.root],
        privateKey: chain.leafKey.pkcs8,
        password: "changeit",
        friendlyName: "web",
      }),
    );
    const listing = await mustRun("keytool", [
      "-list",
      "-v",
      "-storetype",
      "PKCS12",
      "-keystore",
      file,
      "-storepass",
      "changeit",
    ]);
    expect(listing).toContain("Alias name: web");
    expect(listing).toContain("Entry type: PrivateKeyEntry");
    expect(listing).toContain("Certificate chain length: 3");
  });

  it.each([
    ["OpenSSL 3 defaults", []],
    [
      "3DES and a SHA-1 MAC",
      ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
    ],
  ])("imports a file made by openssl pkcs12 -export with %s", async (name, options) => {
    const keyFile = work.write("import.key", encodePem("PRIVATE KEY", chain.leafKey.pkcs8));
    const certFile = work.write("import.pem", encodePem("CERTIFICATE", chain.leaf));
    const chainFile = work.write(
      "import-chain.pem",
      encodePem("CERTIFICATE", chain.intermediate) + encodePem("CERTIFICATE", chain.root),
    );
    const out = work.path(`import-${name.length}.p12`);
    await mustRun("openssl", [
      "pkcs12",
      "-export",
      "-in",
      certFile,
      "-inkey",
      keyFile,
      "-certfile",
      chainFile,
      "-passout",
      "pass:imp0rt",
      ...options,
      "-out",
      out,
    ]);
    const contents = parsePkcs12(work.read(out.split("/").at(-1)!), "imp0rt");
    expect(contents.privateKey).toEqual(chain.leafKey.pkcs8);
    expect(contents.certificate).toEqual(chain.leaf);
    expect(contents.chain).toHaveLength(2);
    const wrong = (() => {
      try {
        parsePkcs12(work.read(out.split("/").at(-1)!), "wrong");
      } catch (error) {
        return error;
      }
    })();
    expect((wrong as PkiError).code).toBe("wrong_password");
  });

  it("refuses an OpenSSL 1.x legacy (RC2) file with a coded error naming the algorithm", async () => {
    const keyFile = work.write("legacy.key", encodePem("PRIVATE KEY", chain.leafKey.pkcs8));
    const certFile = work.write("legacy.pem", encodePem("CERTIFICATE", chain.leaf));
    await mustRun("openssl", [
      "pkcs12",
      "-export",
      "-legacy",
      "-in",
      certFile,
      "-inkey",
      keyFile,
      "-passout",
      "pass:legacy",
      "-out",
      work.path("legacy.p12"),
    ]);
    const error = (() => {
      try {
        parsePkcs12(work.read("legacy.p12"), "legacy");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("bad_keystore");
    expect((error as PkiError).message).toMatch(/RC2/);
  });
});

describe("JKS with keytool", () => {
  const createdAt = new Date("2026-05-06T07:08:09Z");

  it("keytool -list -v shows our PrivateKeyEntry with its chain", async () => {
    const file = work.write(
      "store.jks",
      buildJks(
        [
          {
            type: "private-key",
            alias: "WWW",
            privateKey: chain.leafKey.pkcs8,
            chain: [chain.leaf, chain.intermediate, chain.root],
            createdAt,
          },
        ],
        "store-pass",
      ),
    );
    const listing = await mustRun("keytool", [
      "-list",
      "-v",
      "-keystore",
      file,
      "-storepass",
      "store-pass",
    ]);
    expect(listing).toContain("Keystore type: JKS");
    expect(listing).toContain("Your keystore contains 1 entry");
    expect(listing).toContain("Alias name: www");
    expect(listing).toContain("Entry type: PrivateKeyEntry");
    expect(listing).toContain("Certificate chain length: 3");
    expect(listing).toContain("Owner: CN=www.example.com, O=Example");
  });

  it("keytool recovers the private key: converting to PKCS#12 yields the same PKCS#8 key", async () => {
    const file = work.write(
      "convert.jks",
      buildJks(
        [
          {
            type: "private-key",
            alias: "rsa",
            privateKey: rsaChain.leafKey.pkcs8,
            chain: [rsaChain.leaf, rsaChain.intermediate],
            createdAt,
          },
        ],
        "convert-pass",
      ),
    );
    const p12 = work.path("converted.p12");
    await mustRun("keytool", [
      "-importkeystore",
      "-noprompt",
      "-srckeystore",
      file,
      "-srcstoretype",
      "JKS",
      "-srcstorepass",
      "convert-pass",
      "-destkeystore",
      p12,
      "-deststoretype",
      "PKCS12",
      "-deststorepass",
      "convert-pass",
    ]);
    const contents = parsePkcs12(work.read("converted.p12"), "convert-pass");
    expect(contents.privateKey).toEqual(rsaChain.leafKey.pkcs8);
    expect(contents.certificate).toEqual(rsaChain.leaf);
  });

  it("keytool lists a trusted-certificate-only store and refuses a wrong store password", async () => {
    const file = work.write(
      "trust.jks",
      buildJks(
        [
          { type: "trusted-certificate", alias: "root", certificate: chain.root, createdAt },
          {
            type: "trusted-certificate",
            alias: "issuing",
            certificate: chain.intermediate,
            createdAt,
          },
        ],
        "trust-pass",
      ),
    );
    const listing = await mustRun("keytool", [
      "-list",
      "-v",
      "-keystore",
      file,
      "-storepass",
      "trust-pass",
    ]);
    expect(listing).toContain("Your keystore contains 2 entries");
    expect(listing.match(/Entry type: trustedCertEntry/g)).toHaveLength(2);
    const wrong = await runTool("keytool", [
      "-list",
      "-keystore",
      file,
      "-storepass",
      "not-the-pass",
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/password was incorrect|tampered/);
  });
});

describe("zip bundle with unzip and openssl", () => {
  it("unzip -t checks the archive; openssl opens the key with the password and verifies the chain", async () => {
    const file = work.write(
      "bundle.zip",
      buildZipBundle({
        certificate: chain.leaf,
        chain: [chain.intermediate, chain.root],
        privateKey: chain.leafKey.pkcs8,
        password: "zip-pass",
        modifiedAt: new Date(),
      }),
    );
    expect(await mustRun("unzip", ["-t", file])).toContain("No errors detected");
    await mustRun("unzip", ["-o", "-q", file, "-d", work.path("bundle")]);
    const key = await opensslPkcs8(work.path("bundle/private-key.pem"), [
      "-passin",
      "pass:zip-pass",
    ]);
    expect(key).toEqual(chain.leafKey.pkcs8);
    const root = work.write("bundle-root.pem", encodePem("CERTIFICATE", chain.root));
    const verified = await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      root,
      "-untrusted",
      work.path("bundle/chain.pem"),
      work.path("bundle/certificate.pem"),
    ]);
    expect(verified).toContain(": OK");
  });
});
