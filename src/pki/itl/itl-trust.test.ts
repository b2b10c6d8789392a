import { describe, expect, it } from "vitest";

import { fixture, signerOf } from "../../../test/fixtures/itl/fixtures.js";

import { buildItlFile, parseItlFile } from "./itl-file.js";
import { phoneAcceptsReplacement } from "./itl-trust.js";

async function itlSignedBy(signer: "sast" | "sast2", extraSast?: "sast" | "sast2") {
  return parseItlFile(
    await buildItlFile({
      signer: signerOf(signer),
      signerCertificate: fixture(signer).der,
      entries: extraSast ? [{ certificate: fixture(extraSast).der, role: "SAST" }] : [],
      timestamp: 1700000000,
    }),
  );
}

describe("ITL replacement (spec §2.3)", () => {
  it("is accepted when the new signer is a SAST of the old file, refused otherwise", async () => {
    const old = await itlSignedBy("sast", "sast2");
    expect(phoneAcceptsReplacement(old, await itlSignedBy("sast"))).toBe(true);
    expect(phoneAcceptsReplacement(old, await itlSignedBy("sast2"))).toBe(true);
    const oldWithoutRecovery = await itlSignedBy("sast");
    expect(phoneAcceptsReplacement(oldWithoutRecovery, await itlSignedBy("sast2"))).toBe(false);
  });
});
