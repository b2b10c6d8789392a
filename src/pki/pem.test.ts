import { describe, expect, it } from "vitest";

import { PkiError } from "./errors.js";
import {
  decodePem,
  decodePemOf,
  decodeSinglePem,
  derFromPemOrDer,
  encodePem,
  encodePemChain,
} from "./pem.js";

const der = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));

function pemError(run: () => unknown): PkiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    expect((error as PkiError).code).toBe("bad_pem");
    return error as PkiError;
  }
  throw new Error("expected a bad_pem error");
}

describe("PEM", () => {
  it("encodes with 64-character lines and decodes back", () => {
    const pem = encodePem("CERTIFICATE", der);
    const lines = pem.trim().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    expect(decodePem(pem)).toEqual([{ label: "CERTIFICATE", der }]);
  });

  it("reads chains, CRLF line ends and explanatory text between blocks", () => {
    const chain = encodePemChain("CERTIFICATE", [der, der.subarray(0, 10)]);
    const text =
      "Bag Attributes\r\n    localKeyId: 01\r\n" +
      chain.replace(/\n/g, "\r\n") +
      "trailing words\n";
    const blocks = decodePem(text);
    expect(blocks.map((b) => b.der.length)).toEqual([100, 10]);
  });

  it("refuses text without any block", () => {
    expect(pemError(() => decodePem("hello")).message).toMatch(/no PEM block/);
    pemError(() => decodePem(""));
  });

  it("refuses unterminated, mismatched and nested blocks, and END without BEGIN", () => {
    const pem = encodePem("CERTIFICATE", der);
    expect(pemError(() => decodePem(pem.replace(/-----END.*\n/, ""))).message).toMatch(
      /no END line/,
    );
    pemError(() => decodePem(pem.replace("END CERTIFICATE", "END PRIVATE KEY")));
    pemError(() => decodePem(pem.replace("-----BEGIN CERTIFICATE-----\n", "")));
    pemError(() =>
      decodePem("-----BEGIN A-----\n-----BEGIN B-----\nAAAA\n-----END B-----\n-----END A-----\n"),
    );
  });

  it("refuses bad base64, empty bodies, headers and bad labels", () => {
    const pem = encodePem("CERTIFICATE", der);
    const lines = pem.split("\n");
    lines[1] = "!!!!" + lines[1]!.slice(4);
    pemError(() => decodePem(lines.join("\n")));
    pemError(() => decodePem("-----BEGIN X-----\nAAA\n-----END X-----\n"));
    pemError(() => decodePem("-----BEGIN X-----\nAAB=\n-----END X-----\n"));
    pemError(() => decodePem("-----BEGIN X-----\n-----END X-----\n"));
    const encrypted =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    expect(pemError(() => decodePem(encrypted)).message).toMatch(/headers/);
    pemError(() => decodePem("-----BEGIN  X-----\nAAAA\n-----END  X-----\n"));
  });

  it("insists on the expected labels", () => {
    const key = encodePem("PRIVATE KEY", der);
    expect(pemError(() => decodePemOf(key, ["CERTIFICATE"])).message).toMatch(
      /found "PRIVATE KEY"/,
    );
    pemError(() => decodeSinglePem(encodePemChain("CERTIFICATE", [der, der]), ["CERTIFICATE"]));
    expect(decodeSinglePem(key, ["PRIVATE KEY"]).der).toEqual(der);
  });

  it("accepts PEM text, PEM bytes or raw DER", () => {
    const pem = encodePem("CERTIFICATE", der);
    expect(derFromPemOrDer(pem, ["CERTIFICATE"])).toEqual([der]);
    expect(derFromPemOrDer(new TextEncoder().encode(pem), ["CERTIFICATE"])).toEqual([der]);
    expect(derFromPemOrDer(der, ["CERTIFICATE"])).toEqual([der]);
    pemError(() => derFromPemOrDer(new Uint8Array(), ["CERTIFICATE"]));
  });
});
