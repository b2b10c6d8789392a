/**
 * The `SEP<MAC>.cnf.xml.sgn` stub built next to an `.enc.sgn` (spec §3.4): enough for the phone
 * to find its CAPF server and learn that the real config is encrypted.
 */

import { createHash } from "node:crypto";

import { outlineXml } from "./config-xml.js";
import { ItlBuildError } from "./itl-errors.js";

/** Elements copied from the full config, in their original order (spec §3.4). */
const COPIED_ELEMENTS = new Set(["ipAddressMode", "loadInformation", "capfAuthMode", "capfList"]);

/** Lowercase hex MD5 of the certificate DER that wrapped the key (spec §3.4 `<certHash>`). */
export function configCertificateHash(deviceCertificateDer: Uint8Array): string {
  return createHash("md5").update(deviceCertificateDer).digest("hex");
}

/** Decodes a config and checks that its root element is `<device>` (spec §3.2). */
export function readDeviceConfig(config: Uint8Array): {
  text: string;
  children: ReturnType<typeof outlineXml>["children"];
} {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(config);
  } catch (cause) {
    throw new ItlBuildError("bad_config", "The device config is not UTF-8.", { cause });
  }
  const outline = outlineXml(text);
  if (outline.root !== "device") {
    throw new ItlBuildError(
      "bad_config",
      `The device config's root element is <${outline.root}>, not <device>.`,
    );
  }
  return { text, children: outline.children };
}

/** The stub document: declaration, `<device>` with fullConfig, copied elements, certHash, encrConfig. */
export function buildConfigStubXml(config: Uint8Array, deviceCertificateDer: Uint8Array): string {
  const { children } = readDeviceConfig(config);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<device>",
    "  <fullConfig>false</fullConfig>",
    ...children
      .filter((child) => COPIED_ELEMENTS.has(child.name))
      .map((child) => `  ${child.source}`),
    `  <certHash>${configCertificateHash(deviceCertificateDer)}</certHash>`,
    "  <encrConfig>true</encrConfig>",
    "</device>",
    "",
  ];
  return lines.join("\n");
}
