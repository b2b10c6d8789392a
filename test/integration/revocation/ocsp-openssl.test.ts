import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  certIdMatchesIssuer,
  computeIssuerHashes,
  createOcspResponder,
  decodeOcspGetRequest,
  ocspErrorResponse,
  parseOcspRequest,
  type OcspCertStatus,
  type OcspResponder,
  type OcspRequest,
} from "../../../src/pki/revocation/index.js";

import { startLoopbackResponder } from "./ocsp-responder-harness.js";
import {
  createCa,
  issueCertificate,
  makeWorkDir,
  openssl,
  opensslOk,
  RESPONDER_EXTENSIONS,
  type IssuedCertificate,
  type TestCa,
  type WorkDir,
} from "./openssl-pki.js";

const HOUR_MS = 3_600_000;

describe("OCSP with OpenSSL as the client", () => {
  let work: WorkDir;
  let ca: TestCa;
  let goodLeaf: IssuedCertificate;
  let revokedLeaf: IssuedCertificate;
  let foreignLeaf: IssuedCertificate;
  let responderCert: IssuedCertificate;
  const revokedAt = new Date("2026-03-01T12:00:00Z");
  const statusBySerial = new Map<string, OcspCertStatus>();

  beforeAll(async () => {
    work = makeWorkDir();
    ca = await createCa(work, "ocsp-ca", "ECDSA-P256");
    goodLeaf = await issueCertificate(ca, "good", "8f0001");
    revokedLeaf = await issueCertificate(ca, "revoked", "0123456789abcdef");
    responderCert = await issueCertificate(ca, "responder", "0e", RESPONDER_EXTENSIONS);
    const other = await createCa(work, "other-ca", "ECDSA-P256");
    foreignLeaf = await issueCertificate(other, "foreign", "8f0001");
    statusBySerial.set("8f0001", { status: "good" });
    statusBySerial.set("0123456789abcdef", {
      status: "revoked",
      revokedAt,
      reason: "keyCompromise",
    });
  });
  afterAll(() => work.remove());

  async function requestFromOpenssl(name: string, args: string[]): Promise<OcspRequest> {
    await opensslOk(work.dir, ["ocsp", "-issuer", ca.pem, ...args, "-reqout", `${name}.req`]);
    return parseOcspRequest(work.read(`${name}.req`));
  }

  async function respond(responder: OcspResponder, request: OcspRequest, name: string) {
    const now = new Date();
    const hashes = computeIssuerHashes(ca.der);
    const der = await responder.respond({
      producedAt: now,
      ...(request.nonce ? { nonceExtnValue: request.nonce.extnValue } : {}),
      responses: request.requests.map(({ certId }) => ({
        certId,
        certStatus: certIdMatchesIssuer(certId, hashes)
          ? (statusBySerial.get(certId.serialNumber) ?? { status: "unknown" })
          : { status: "unknown" },
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + HOUR_MS),
      })),
    });
    work.write(`${name}.resp`, der);
    return der;
  }

  describe("requests made by openssl ocsp -reqout", () => {
    it("reads a SHA-1 CertID and the nonce OpenSSL shows", async () => {
      const request = await requestFromOpenssl("nonce", ["-cert", goodLeaf.pem]);
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-reqin",
        "nonce.req",
        "-req_text",
        "-noverify",
      ]);
      const shownNonce = /OCSP Nonce: \n\s+([0-9A-F]+)/.exec(text)![1]!.toLowerCase();
      expect(Buffer.from(request.nonce!.extnValue).toString("hex")).toBe(shownNonce);
      expect(request.nonce!.value).toHaveLength(16);
      expect(request.requests).toHaveLength(1);
      expect(request.requests[0]!.certId.hashAlgorithm).toBe("SHA-1");
      expect(request.requests[0]!.certId.serialNumber).toBe("8f0001");
      expect(certIdMatchesIssuer(request.requests[0]!.certId, computeIssuerHashes(ca.der))).toBe(
        true,
      );
    });

    it("reads a request without a nonce (-no_nonce)", async () => {
      const request = await requestFromOpenssl("no-nonce", ["-no_nonce", "-cert", goodLeaf.pem]);
      expect(request.nonce).toBeUndefined();
      expect(request.extensions).toHaveLength(0);
    });

    it("reads SHA-256 CertIDs that match the CA (-sha256)", async () => {
      const request = await requestFromOpenssl("sha256", ["-sha256", "-cert", goodLeaf.pem]);
      const { certId } = request.requests[0]!;
      expect(certId.hashAlgorithm).toBe("SHA-256");
      expect(certId.issuerKeyHash).toHaveLength(32);
      expect(certIdMatchesIssuer(certId, computeIssuerHashes(ca.der))).toBe(true);
    });

    it("reads several -cert and -serial entries in order", async () => {
      const request = await requestFromOpenssl("several", [
        "-cert",
        goodLeaf.pem,
        "-serial",
        "0x0123456789abcdef",
        "-serial",
        "0x00ff",
        "-cert",
        revokedLeaf.pem,
      ]);
      expect(request.requests.map((r) => r.certId.serialNumber)).toEqual([
        "8f0001",
        "0123456789abcdef",
        "ff",
        "0123456789abcdef",
      ]);
    });

    it("reads a request signed by the client (-signer), without needing the signature", async () => {
      const request = await requestFromOpenssl("signed", [
        "-cert",
        goodLeaf.pem,
        "-signer",
        goodLeaf.pem,
        "-signkey",
        goodLeaf.key,
      ]);
      expect(request.isSigned).toBe(true);
      expect(request.requests[0]!.certId.serialNumber).toBe("8f0001");
    });

    it("reads the GET form of an OpenSSL request (RFC 6960 Appendix A.1)", () => {
      const der = work.read("several.req");
      const path = encodeURIComponent(Buffer.from(der).toString("base64"));
      expect(decodeOcspGetRequest(path)).toEqual(der);
    });
  });

  describe("responses signed by the CA", () => {
    let responder: OcspResponder;
    beforeAll(() => {
      responder = createOcspResponder({ signer: ca.signer });
    });

    it("reports good, with a matching nonce, under openssl ocsp -respin", async () => {
      const request = await requestFromOpenssl("ca-good", ["-cert", goodLeaf.pem]);
      await respond(responder, request, "ca-good");
      // Signature and nonce against the original request.
      const verified = await opensslOk(work.dir, [
        "ocsp",
        "-reqin",
        "ca-good.req",
        "-respin",
        "ca-good.resp",
        "-issuer",
        ca.pem,
        "-CAfile",
        ca.pem,
      ]);
      expect(verified).toMatch(/Response verify OK/);
      expect(verified).not.toMatch(/WARNING: no nonce/);
      const status = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "ca-good.resp",
        "-issuer",
        ca.pem,
        "-cert",
        goodLeaf.pem,
        "-CAfile",
        ca.pem,
        "-no_nonce",
      ]);
      expect(status).toMatch(/good\.pem: good/);
    });

    it("reports revoked with time and reason, and unknown for another CA's certificate", async () => {
      const request = await requestFromOpenssl("ca-mixed", [
        "-sha256",
        "-cert",
        revokedLeaf.pem,
        "-serial",
        "0x77",
      ]);
      await respond(responder, request, "ca-mixed");
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "ca-mixed.resp",
        "-issuer",
        ca.pem,
        "-sha256",
        "-cert",
        revokedLeaf.pem,
        "-serial",
        "0x77",
        "-CAfile",
        ca.pem,
        "-no_nonce",
      ]);
      expect(text).toMatch(/Response verify OK/);
      expect(text).toMatch(
        /revoked\.pem: revoked\n\s+This Update: .*\n\s+Next Update: .*\n\s+Reason: keyCompromise\n\s+Revocation Time: Mar {2}1 12:00:00 2026 GMT/,
      );
      expect(text).toMatch(/0x77: unknown/);

      const foreign = await opensslOk(work.dir, [
        "ocsp",
        "-issuer",
        "other-ca.pem",
        "-cert",
        foreignLeaf.pem,
        "-reqout",
        "foreign.req",
      ]);
      expect(foreign).toBe("");
      await respond(responder, parseOcspRequest(work.read("foreign.req")), "foreign");
      const foreignText = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "foreign.resp",
        "-issuer",
        "other-ca.pem",
        "-cert",
        foreignLeaf.pem,
        "-VAfile",
        ca.pem,
        "-no_nonce",
      ]);
      // Another CA's client trusts our responder only when told to (-VAfile).
      expect(foreignText).toMatch(/foreign\.pem: unknown/);
    });

    it("shows the responder id by key, producedAt and the echoed nonce in -resp_text", async () => {
      const request = await requestFromOpenssl("text", ["-cert", goodLeaf.pem]);
      await respond(responder, request, "text");
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-reqin",
        "text.req",
        "-respin",
        "text.resp",
        "-resp_text",
        "-issuer",
        ca.pem,
        "-CAfile",
        ca.pem,
      ]);
      expect(text).toMatch(/OCSP Response Status: successful \(0x0\)/);
      expect(text).toMatch(/Response Type: Basic OCSP Response/);
      const keyHash = Buffer.from(responder.responderKeyHash).toString("hex").toUpperCase();
      expect(text).toContain(`Responder Id: ${keyHash}`);
      expect(text).toMatch(/Produced At: /);
      expect(text).toContain(Buffer.from(request.nonce!.extnValue).toString("hex").toUpperCase());
    });

    it("fails OpenSSL's nonce check when a different nonce is echoed", async () => {
      const request = await requestFromOpenssl("nonce-a", ["-cert", goodLeaf.pem]);
      const other = await requestFromOpenssl("nonce-b", ["-cert", goodLeaf.pem]);
      await respond(responder, { ...request, nonce: other.nonce! }, "nonce-mismatch");
      const result = await openssl(work.dir, [
        "ocsp",
        "-reqin",
        "nonce-a.req",
        "-respin",
        "nonce-mismatch.resp",
        "-issuer",
        ca.pem,
        "-CAfile",
        ca.pem,
      ]);
      expect(result.stdout + result.stderr).toMatch(/Nonce Verify error/);
    });

    it("is an unsigned malformedRequest that OpenSSL reports as such", async () => {
      work.write("malformed.resp", ocspErrorResponse("malformedRequest"));
      const result = await openssl(work.dir, [
        "ocsp",
        "-respin",
        "malformed.resp",
        "-resp_text",
        "-noverify",
      ]);
      expect(result.stdout + result.stderr).toMatch(/malformedrequest \(1\)/i);
    });
  });

  describe("responses signed by a delegated responder", () => {
    let responder: OcspResponder;
    beforeAll(() => {
      responder = createOcspResponder({
        signer: responderCert.signer,
        delegatedCertificate: responderCert.der,
      });
    });

    it("verifies through the CA alone, the responder certificate travelling in certs", async () => {
      const request = await requestFromOpenssl("delegated", [
        "-cert",
        revokedLeaf.pem,
        "-cert",
        goodLeaf.pem,
      ]);
      await respond(responder, request, "delegated");
      const verified = await opensslOk(work.dir, [
        "ocsp",
        "-reqin",
        "delegated.req",
        "-respin",
        "delegated.resp",
        "-CAfile",
        ca.pem,
        "-issuer",
        ca.pem,
      ]);
      expect(verified).toMatch(/Response verify OK/);
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "delegated.resp",
        "-issuer",
        ca.pem,
        "-cert",
        revokedLeaf.pem,
        "-cert",
        goodLeaf.pem,
        "-CAfile",
        ca.pem,
        "-no_nonce",
      ]);
      expect(text).toMatch(/revoked\.pem: revoked[\s\S]*Reason: keyCompromise/);
      expect(text).toMatch(/good\.pem: good/);
      const shown = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "delegated.resp",
        "-resp_text",
        "-noverify",
      ]);
      expect(shown).toMatch(/OCSP Signing/);
      expect(shown).toMatch(/OCSP No Check/);
    });

    it("verifies with the responder pinned through -VAfile", async () => {
      const text = await opensslOk(work.dir, [
        "ocsp",
        "-respin",
        "delegated.resp",
        "-issuer",
        ca.pem,
        "-cert",
        goodLeaf.pem,
        "-VAfile",
        responderCert.pem,
        "-no_nonce",
      ]);
      expect(text).toMatch(/Response verify OK/);
      expect(text).toMatch(/good\.pem: good/);
    });

    it("refuses responder certificates without OCSP signing or nocheck, or for another key", async () => {
      const noEku = await issueCertificate(ca, "no-eku", "0f", [
        "keyUsage=critical,digitalSignature",
        "noCheck=ignored",
      ]);
      const noNoCheck = await issueCertificate(ca, "no-nocheck", "10", [
        "extendedKeyUsage=OCSPSigning",
      ]);
      expect(() =>
        createOcspResponder({ signer: noEku.signer, delegatedCertificate: noEku.der }),
      ).toThrow(expect.objectContaining({ code: "bad_responder_certificate" }) as Error);
      expect(() =>
        createOcspResponder({ signer: noNoCheck.signer, delegatedCertificate: noNoCheck.der }),
      ).toThrow(expect.objectContaining({ code: "bad_responder_certificate" }) as Error);
      expect(() =>
        createOcspResponder({ signer: ca.signer, delegatedCertificate: responderCert.der }),
      ).toThrow(expect.objectContaining({ code: "signer_mismatch" }) as Error);
    });
  });

  describe("over HTTP on loopback", () => {
    it("answers openssl ocsp -url with good, revoked and unknown, nonce checked", async () => {
      const server = await startLoopbackResponder({
        caCertificate: ca.der,
        responder: createOcspResponder({ signer: ca.signer }),
        statusBySerial,
      });
      try {
        const text = await opensslOk(work.dir, [
          "ocsp",
          "-url",
          server.url,
          "-issuer",
          ca.pem,
          "-cert",
          goodLeaf.pem,
          "-cert",
          revokedLeaf.pem,
          "-serial",
          "0x4242",
          "-CAfile",
          ca.pem,
        ]);
        expect(text).toMatch(/Response verify OK/);
        expect(text).not.toMatch(/WARNING: no nonce/);
        expect(text).toMatch(/good\.pem: good/);
        expect(text).toMatch(/revoked\.pem: revoked[\s\S]*Reason: keyCompromise/);
        expect(text).toMatch(/0x4242: unknown/);

        const withoutNonce = await opensslOk(work.dir, [
          "ocsp",
          "-url",
          server.url,
          "-issuer",
          ca.pem,
          "-sha256",
          "-cert",
          goodLeaf.pem,
          "-CAfile",
          ca.pem,
          "-no_nonce",
        ]);
        expect(withoutNonce).toMatch(/Response verify OK/);
        expect(withoutNonce).toMatch(/good\.pem: good/);

        const garbage = await fetch(server.url, { method: "POST", body: "not an OCSP request" });
        expect(Buffer.from(await garbage.arrayBuffer()).toString("hex")).toBe("30030a0101");
        const getForm = encodeURIComponent(
          Buffer.from(work.read("several.req")).toString("base64"),
        );
        const viaGet = await fetch(`${server.url}/${getForm}`);
        work.write("via-get.resp", new Uint8Array(await viaGet.arrayBuffer()));
        const getText = await opensslOk(work.dir, [
          "ocsp",
          "-reqin",
          "several.req",
          "-respin",
          "via-get.resp",
          "-issuer",
          ca.pem,
          "-CAfile",
          ca.pem,
        ]);
        expect(getText).toMatch(/Response verify OK/);
      } finally {
        await server.close();
      }
    });
  });
});
