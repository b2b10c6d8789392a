/** The JSON `/csc/v2` answers with (csc-api-v2.md §4.1, §4.5), built from domain values. */
import {
  PSS_PARAMS_BASE64,
  SERVICE_ALGORITHMS,
  SIGN_OIDS,
} from "../../../services/csc/algorithms.fns.js";
import type { CredentialView } from "../../../services/csc/csc-signing.service.js";
import type { CscConfig } from "../../../services/csc/csc.types.js";

import type { CertificatesOption } from "./csc-params.js";

export const CSC_SPECS = "2.0.0.2";

/** The methods this server implements, as `info.methods` lists them (§9 profile). */
export const CSC_METHODS = [
  "auth/login",
  "auth/revoke",
  "credentials/list",
  "credentials/info",
  "credentials/authorize",
  "credentials/extendTransaction",
  "signatures/signHash",
];

export function infoJson(config: CscConfig, logoUrl: string) {
  return {
    specs: CSC_SPECS,
    name: config.name,
    logo: logoUrl,
    region: config.region,
    lang: config.lang,
    description: config.description,
    authType: config.authTypes,
    methods: CSC_METHODS,
    asynchronousOperationMode: false,
    validationInfo: false,
    signAlgorithms: {
      algos: SERVICE_ALGORITHMS,
      // Index by index with `algos`: only RSASSA-PSS takes parameters (the usual SHA-256 ones).
      algoParams: SERVICE_ALGORITHMS.map((oid) =>
        oid === SIGN_OIDS.rsassaPss ? PSS_PARAMS_BASE64["SHA-256"] : null,
      ),
    },
    // signDoc is not offered: empty, as TRIDENT sends them (§4.1).
    signature_formats: { formats: [], envelope_properties: [] },
    conformance_levels: [],
    // v2.2 field the current EUDI client requires (§10), in its sample's spelling.
    supportedHashTypes: ["SHA-256", "SHA-384", "SHA-512"],
  };
}

const CURVE_OIDS: Record<string, { oid: string; bits: number }> = {
  "ECDSA-P256": { oid: "1.2.840.10045.3.1.7", bits: 256 },
  "ECDSA-P384": { oid: "1.3.132.0.34", bits: 384 },
  "ECDSA-P521": { oid: "1.3.132.0.35", bits: 521 },
};

const b64 = (der: Uint8Array) => Buffer.from(der).toString("base64");

/** GeneralizedTime text, `YYYYMMDDHHMMSSZ` (§1). */
function generalizedTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

export interface CredentialInfoOptions {
  certificates: CertificatesOption;
  certInfo: boolean;
  authInfo: boolean;
}

/**
 * One credential-info object (§4.5), with the v1 fields (`authMode`, `PIN`) beside the v2
 * `auth` block so v1 clients such as pyHanko work too (§8).
 */
export function credentialInfoJson(view: CredentialView, options: CredentialInfoOptions) {
  const { credential, certificate } = view;
  const curve = CURVE_OIDS[credential.keyType];
  const keyBits = curve?.bits ?? Number(credential.keyType.replace(/^RSA-/, ""));
  const cert: Record<string, unknown> = {};
  if (view.certificateStatus === "valid" || view.certificateStatus === "expired") {
    cert.status = view.certificateStatus;
  }
  if (certificate && options.certificates !== "none") {
    cert.certificates = [
      b64(certificate.der),
      ...(options.certificates === "chain" ? view.chain.map((c) => b64(c.der)) : []),
    ];
  }
  if (certificate && options.certInfo) {
    cert.issuerDN = certificate.issuer.text;
    cert.serialNumber = certificate.serialNumberHex.toUpperCase();
    cert.subjectDN = certificate.subject.text;
    cert.validFrom = generalizedTime(certificate.notBefore);
    cert.validTo = generalizedTime(certificate.notAfter);
  }
  const explicitPin = credential.authMode === "explicit";
  const auth: Record<string, unknown> = { mode: "explicit" };
  if (options.authInfo) {
    // A seal credential ("token" mode) needs no factor: empty `authData` authorizes it (§2).
    auth.expression = explicitPin ? "PIN" : "";
    auth.objects = explicitPin
      ? [{ type: "Password", id: "PIN", format: "A", label: "PIN", description: "Credential PIN" }]
      : [];
  }
  return {
    description: credential.description || credential.name,
    key: {
      status: view.canSign ? "enabled" : "disabled",
      algo: credential.allowedAlgorithms,
      len: keyBits,
      ...(curve ? { curve: curve.oid } : {}),
    },
    cert,
    auth,
    authMode: explicitPin ? "explicit" : "implicit",
    PIN: explicitPin
      ? { presence: "true", format: "A", label: "PIN", description: "Credential PIN" }
      : { presence: "false" },
    SCAL: credential.scal,
    multisign: credential.multisign,
    lang: "en-US",
  };
}
