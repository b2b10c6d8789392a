import { generateKeyPairSync } from "node:crypto";

import { createKeyObjectSigner } from "../../../src/keys/key-object-signer.js";
import {
  buildCertificate,
  buildSelfSignedCertificate,
} from "../../../src/pki/certificate-builder.js";
import { issuerFromCertificate } from "../../../src/pki/certificate-issuer.js";
import { encodePem } from "../../../src/pki/pem.js";
import type { Signer } from "../../../src/pki/signer.js";
import type { TestApp } from "../../support/test-app.js";

const DAY = 86_400_000;

function ecSigner(): { signer: Signer; pkcs8: Uint8Array } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    signer: createKeyObjectSigner(privateKey),
    pkcs8: new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })),
  };
}

export interface TestIssuer {
  rootDer: Uint8Array;
  rootPem: string;
  /** A leaf signed by the root, expiring `days` from now (negative: already expired). */
  leaf(commonName: string, options?: LeafOptions): Promise<TestLeaf>;
}

export interface LeafOptions {
  days?: number;
  sans?: string[];
}

export interface TestLeaf {
  der: Uint8Array;
  pem: string;
  /** PKCS#8 DER of its key. */
  pkcs8: Uint8Array;
}

/** A test root made in-process (the leaves it signs are cheap, so lists can hold many). */
export async function createTestIssuer(name = "Inventory Test Root"): Promise<TestIssuer> {
  const root = ecSigner();
  const now = Date.now();
  const { der: rootDer } = await buildSelfSignedCertificate(
    {
      subject: { commonName: name, organization: "Certsmith Tests" },
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 3650 * DAY),
      isCa: true,
      pathLength: 0,
    },
    root.signer,
  );
  const issuer = issuerFromCertificate(rootDer, root.signer);
  const leafKey = ecSigner();
  return {
    rootDer,
    rootPem: encodePem("CERTIFICATE", rootDer),
    async leaf(commonName, options = {}) {
      const days = options.days ?? 90;
      const notAfter = new Date(now + days * DAY);
      const { der } = await buildCertificate(
        {
          subject: { commonName },
          publicKeySpki: leafKey.signer.publicKeySpki,
          notBefore: new Date(Math.min(now - DAY, notAfter.getTime() - DAY)),
          notAfter,
          subjectAltNames: options.sans ?? [commonName],
          extendedKeyUsage: ["serverAuth"],
        },
        issuer,
      );
      return { der, pem: encodePem("CERTIFICATE", der), pkcs8: leafKey.pkcs8 };
    },
  };
}

export function certificatesUrl(projectId: string, suffix = ""): string {
  return `/api/v1/projects/${projectId}/certificates${suffix}`;
}

/** Imports items and returns the response (callers assert the status). */
export function importItems(t: TestApp, projectId: string, items: Record<string, unknown>[]) {
  return t.inject({
    method: "POST",
    url: certificatesUrl(projectId, "/import"),
    payload: { items },
  });
}

/** Imports one PEM and returns the new certificate's id. */
export async function importPem(t: TestApp, projectId: string, pem: string): Promise<string> {
  const response = await importItems(t, projectId, [{ pem }]);
  if (response.statusCode !== 201)
    throw new Error(`import: ${response.statusCode} ${response.body}`);
  return response.json<{ items: { id: string }[] }>().items[0]!.id;
}
