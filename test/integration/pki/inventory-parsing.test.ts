import { afterAll, describe, expect, it } from "vitest";

import { parseCertificates } from "../../../src/pki/certificate-info.js";
import { PkiError } from "../../../src/pki/errors.js";

import { createWorkDir, mustRun } from "./support/tools.js";

const work = createWorkDir();
afterAll(() => work.remove());

/** A self-signed certificate made by `openssl req -x509`, as an import would bring it. */
async function opensslCertificate(
  name: string,
  keyArgs: string[],
  extra: string[] = [],
): Promise<string> {
  await mustRun("openssl", [
    "req",
    "-x509",
    ...keyArgs,
    "-nodes",
    "-keyout",
    work.path(`${name}.key`),
    "-days",
    "30",
    "-subj",
    "/C=US/ST=California/L=San Francisco/O=Imported Inc/OU=Ops/CN=imported.example.org",
    ...extra,
    "-out",
    work.path(`${name}.pem`),
  ]);
  return work.read(`${name}.pem`).toString();
}

function fingerprint(output: string): string {
  return output.trim().split("=")[1]!.replace(/:/g, "").toLowerCase();
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    return (error as PkiError).code;
  }
  return "none";
}

describe("parsing certificates made by OpenSSL", () => {
  it("reads subject, SANs, serial, fingerprints, validity, key and usages as openssl reports them", async () => {
    const pem = await opensslCertificate(
      "rsa",
      ["-newkey", "rsa:3072"],
      [
        "-addext",
        "subjectAltName=DNS:imported.example.org,IP:10.9.8.7,email:admin@example.org,URI:https://imported.example.org/",
        "-addext",
        "extendedKeyUsage=serverAuth,codeSigning",
        "-addext",
        "keyUsage=critical,digitalSignature,keyEncipherment",
      ],
    );
    const [info] = parseCertificates(pem);
    if (!info) throw new Error("no certificate");
    const file = work.path("rsa.pem");
    expect(info.subject.text).toBe(
      "CN=imported.example.org,OU=Ops,O=Imported Inc,L=San Francisco,ST=California,C=US",
    );
    expect(info.commonName).toBe("imported.example.org");
    expect(info.isSelfIssued).toBe(true);
    expect(info.publicKey).toMatchObject({ algorithm: "RSA", sizeBits: 3072, keyType: "RSA-3072" });
    expect(info.subjectAltNames).toEqual([
      { type: "dns", value: "imported.example.org" },
      { type: "ip", value: "10.9.8.7" },
      { type: "email", value: "admin@example.org" },
      { type: "uri", value: "https://imported.example.org/" },
    ]);
    expect(info.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(info.extendedKeyUsage).toEqual(["serverAuth", "codeSigning"]);
    // `openssl req -x509` marks its certificates as CAs by default.
    expect(info.isCa).toBe(true);
    const serial = (await mustRun("openssl", ["x509", "-in", file, "-noout", "-serial"]))
      .trim()
      .split("=")[1]!;
    // Both print whole bytes (OpenSSL's BN_bn2hex keeps a leading 0 nibble, e.g. "09D0…");
    // only a sign byte 00 differs.
    expect(info.serialNumberHex).toBe(serial.toLowerCase().replace(/^(00)+(?=..)/, ""));
    expect(info.fingerprintSha256).toBe(
      fingerprint(
        await mustRun("openssl", ["x509", "-in", file, "-noout", "-fingerprint", "-sha256"]),
      ),
    );
    expect(info.fingerprintSha1).toBe(
      fingerprint(
        await mustRun("openssl", ["x509", "-in", file, "-noout", "-fingerprint", "-sha1"]),
      ),
    );
    const notAfter = (await mustRun("openssl", ["x509", "-in", file, "-noout", "-enddate"]))
      .trim()
      .split("=")[1]!;
    expect(info.notAfter.getTime()).toBe(new Date(notAfter).getTime());
    const ski = await mustRun("openssl", [
      "x509",
      "-in",
      file,
      "-noout",
      "-ext",
      "subjectKeyIdentifier",
    ]);
    expect(ski.replace(/[\s:]/g, "").toLowerCase()).toContain(info.subjectKeyIdentifier);
  });

  it("reads P-521 and Ed25519 keys and DER files", async () => {
    await opensslCertificate("p521", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"]);
    await mustRun("openssl", [
      "x509",
      "-in",
      work.path("p521.pem"),
      "-outform",
      "DER",
      "-out",
      work.path("p521.der"),
    ]);
    const [p521] = parseCertificates(new Uint8Array(work.read("p521.der")));
    expect(p521?.publicKey).toMatchObject({
      algorithm: "EC",
      curve: "P-521",
      keyType: "ECDSA-P521",
    });
    expect(p521?.signatureAlgorithm.name).toBe("ecdsa-with-SHA256");
    const [ed] = parseCertificates(await opensslCertificate("ed", ["-newkey", "ed25519"]));
    expect(ed?.publicKey.keyType).toBe("Ed25519");
  });

  it("shows keys it does not issue for (RSA-1024, secp256k1) without a key type", async () => {
    const [rsa1024] = parseCertificates(await opensslCertificate("weak", ["-newkey", "rsa:1024"]));
    expect(rsa1024?.publicKey).toMatchObject({ algorithm: "RSA", sizeBits: 1024, keyType: null });
    const [k1] = parseCertificates(
      await opensslCertificate("k1", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"]),
    );
    expect(k1?.publicKey).toMatchObject({ algorithm: "EC", curve: "1.3.132.0.10", keyType: null });
  });

  it("reads the PEM blocks out of `openssl x509 -text` output and refuses malformed input with codes", async () => {
    await opensslCertificate("text", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const text = await mustRun("openssl", ["x509", "-in", work.path("text.pem"), "-text"]);
    expect(parseCertificates(text)).toHaveLength(1);
    const pem = work.read("text.pem").toString();
    expect(codeOf(() => parseCertificates(pem.replace("-----END CERTIFICATE-----", "")))).toBe(
      "bad_pem",
    );
    expect(
      codeOf(() => parseCertificates(pem.replace(/\n[A-Za-z0-9+/]{10}/, "\n@@@@@@@@@@"))),
    ).toBe("bad_pem");
    expect(codeOf(() => parseCertificates(work.read("text.key").toString()))).toBe("bad_pem");
    const der = new Uint8Array(
      await mustRun("openssl", [
        "x509",
        "-in",
        work.path("text.pem"),
        "-outform",
        "DER",
        "-out",
        work.path("text.der"),
      ]).then(() => work.read("text.der")),
    );
    expect(codeOf(() => parseCertificates(der.subarray(0, der.length - 3)))).toBe(
      "bad_certificate",
    );
    expect(codeOf(() => parseCertificates(new Uint8Array([0x30, 0x82, 0xff])))).toBe(
      "bad_certificate",
    );
  });
});
