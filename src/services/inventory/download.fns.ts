/**
 * Download encodings of an inventory certificate (issue 4 §6). Public material (pem, der,
 * chain) goes out on GET; anything that can hold a private key (p12, jks, zip) only on POST
 * with a password in the body, so a key never travels in a URL or a log line.
 */

import { buildJks, type JksEntry } from "../../pki/jks.js";
import { encodePem, encodePemChain } from "../../pki/pem.js";
import { buildPkcs12 } from "../../pki/pkcs12.js";
import { buildZipBundle } from "../../pki/zip.js";

export const PUBLIC_FORMATS = ["pem", "der", "chain"] as const;
export const BUNDLE_FORMATS = ["p12", "jks", "zip"] as const;
export type PublicFormat = (typeof PUBLIC_FORMATS)[number];
export type BundleFormat = (typeof BUNDLE_FORMATS)[number];

export interface DownloadFile {
  body: Uint8Array | string;
  contentType: string;
  fileName: string;
}

export interface DownloadMaterial {
  certificate: Uint8Array;
  /** Issuers, nearest first. */
  chain: Uint8Array[];
  /** A file-name stem, already safe (see `fileStem`). */
  stem: string;
}

/** A file name from the common name: letters, digits, dot, dash, underscore; never empty. */
export function fileStem(commonName: string, fallback: string): string {
  const stem = commonName
    .replace(/^\*\./, "wildcard.")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 100);
  return stem === "" ? fallback : stem;
}

export function encodePublic(format: PublicFormat, material: DownloadMaterial): DownloadFile {
  switch (format) {
    case "pem":
      return {
        body: encodePem("CERTIFICATE", material.certificate),
        contentType: "application/x-pem-file",
        fileName: `${material.stem}.pem`,
      };
    case "der":
      return {
        body: material.certificate,
        contentType: "application/pkix-cert",
        fileName: `${material.stem}.cer`,
      };
    case "chain":
      // The certificate followed by its issuers: what nginx, HAProxy and `openssl verify
      // -untrusted` take (RFC 8446 §4.4.2 order).
      return {
        body: encodePemChain("CERTIFICATE", [material.certificate, ...material.chain]),
        contentType: "application/x-pem-file",
        fileName: `${material.stem}.chain.pem`,
      };
  }
}

export interface BundleInput extends DownloadMaterial {
  /** PKCS#8 DER, when the key goes into the file. */
  privateKey: Uint8Array | null;
  password: string;
  /** Entry dates inside JKS and zip (pki/ reads no clock). */
  now: Date;
}

export function encodeBundle(format: BundleFormat, input: BundleInput): DownloadFile {
  const { certificate, chain, privateKey, password, stem } = input;
  switch (format) {
    case "p12":
      return {
        body: buildPkcs12({
          certificate,
          chain,
          ...(privateKey ? { privateKey } : {}),
          password,
          friendlyName: stem,
        }),
        contentType: "application/x-pkcs12",
        fileName: `${stem}.p12`,
      };
    case "jks": {
      const alias = stem.toLowerCase();
      const entries: JksEntry[] = privateKey
        ? [
            {
              type: "private-key",
              alias,
              privateKey,
              chain: [certificate, ...chain],
              createdAt: input.now,
            },
          ]
        : [certificate, ...chain].map((der, index) => ({
            type: "trusted-certificate" as const,
            alias: index === 0 ? alias : `${alias}-issuer-${index}`,
            certificate: der,
            createdAt: input.now,
          }));
      return {
        body: buildJks(entries, password),
        contentType: "application/octet-stream",
        fileName: `${stem}.jks`,
      };
    }
    case "zip":
      return {
        body: buildZipBundle({
          certificate,
          chain,
          ...(privateKey ? { privateKey, password } : {}),
          modifiedAt: input.now,
        }),
        contentType: "application/zip",
        fileName: `${stem}.zip`,
      };
  }
}
