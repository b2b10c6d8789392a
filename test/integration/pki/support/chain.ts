import {
  buildCertificate,
  buildSelfSignedCertificate,
  type CertificateTemplate,
} from "../../../../src/pki/certificate-builder.js";
import { issuerFromCertificate } from "../../../../src/pki/certificate-issuer.js";
import type { KeyType } from "../../../../src/pki/signer.js";

import { testKey, type TestKey } from "./signers.js";

export interface TestChain {
  root: Uint8Array;
  intermediate: Uint8Array;
  leaf: Uint8Array;
  rootKey: TestKey;
  intermediateKey: TestKey;
  leafKey: TestKey;
}

export const NOT_BEFORE = new Date(Date.now() - 60_000);
export const NOT_AFTER = new Date(Date.now() + 90 * 86_400_000);

/** root → intermediate → leaf, all of `keyType`, with the fields the inventory and openssl check. */
export async function issueChain(
  keyType: KeyType,
  leafChanges: Partial<CertificateTemplate> = {},
): Promise<TestChain> {
  const rootKey = testKey(keyType, "root");
  const intermediateKey = testKey(keyType, "intermediate");
  const leafKey = testKey(keyType, "leaf");
  const root = await buildSelfSignedCertificate(
    {
      subject: {
        commonName: `Certsmith Test Root ${keyType}`,
        organization: "Certsmith",
        country: "DE",
      },
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      isCa: true,
      pathLength: 1,
    },
    rootKey.signer,
  );
  const intermediate = await buildCertificate(
    {
      subject: {
        commonName: `Certsmith Test Issuing ${keyType}`,
        organization: "Certsmith",
        country: "DE",
      },
      publicKeySpki: intermediateKey.signer.publicKeySpki,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      isCa: true,
      pathLength: 0,
      nameConstraints: {
        permitted: [
          { type: "dns", value: "example.com" },
          { type: "ip", value: "192.0.2.0/24" },
          { type: "ip", value: "2001:db8::/32" },
          { type: "email", value: "example.com" },
          { type: "uri", value: ".example.com" },
        ],
        excluded: [{ type: "dns", value: "forbidden.example.com" }],
      },
      crlUrls: ["http://127.0.0.1:8080/pki/ca_root/crl"],
      ocspUrls: ["http://127.0.0.1:8080/ocsp/ca_root"],
      caIssuersUrls: ["http://127.0.0.1:8080/pki/ca_root/ca.crt"],
      policies: [{ oid: "2.5.29.32.0" }],
    },
    issuerFromCertificate(root.der, rootKey.signer),
  );
  const leaf = await buildCertificate(
    {
      subject: { commonName: "www.example.com", organization: "Example" },
      publicKeySpki: leafKey.signer.publicKeySpki,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      subjectAltNames: [
        "www.example.com",
        "api.example.com",
        "192.0.2.10",
        "2001:db8::10",
        "mailto:ops@example.com",
        "https://app.example.com/login",
      ],
      extendedKeyUsage: ["serverAuth", "clientAuth"],
      crlUrls: ["http://127.0.0.1:8080/pki/ca_int/crl"],
      ocspUrls: ["http://127.0.0.1:8080/ocsp/ca_int"],
      caIssuersUrls: ["http://127.0.0.1:8080/pki/ca_int/ca.crt"],
      policies: [{ oid: "2.23.140.1.2.2", cpsUri: "https://pki.example.com/cps" }],
      ...leafChanges,
    },
    issuerFromCertificate(intermediate.der, intermediateKey.signer),
  );
  return {
    root: root.der,
    intermediate: intermediate.der,
    leaf: leaf.der,
    rootKey,
    intermediateKey,
    leafKey,
  };
}
