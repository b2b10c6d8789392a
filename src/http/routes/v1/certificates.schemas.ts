import { Type, type Static } from "typebox";

import { validationFailed } from "../../../lib/errors.js";
import type { CertificateInfo } from "../../../pki/certificate-info.js";
import { encodePem, encodePemChain } from "../../../pki/pem.js";
import type { CertificateDetails } from "../../../services/inventory/inventory.service.js";
import {
  CERTIFICATE_STATUSES,
  ISSUER_TYPES,
  type CertificateFilter,
  type CertificateStatus,
  type InventoryCertificate,
  type IssuerType,
} from "../../../services/inventory/inventory.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

import { Nullable } from "./pki.schemas.js";

/** A comma list of `values` (OR), refused with 400 when an element is not one of them. */
function commaList(values: readonly string[], description: string) {
  const one = `(?:${values.join("|")})`;
  return Type.String({
    pattern: `^${one}(?:,${one})*$`,
    maxLength: 200,
    description: `${description} Comma list (OR) of: ${values.join(", ")}.`,
  });
}

function idList(description: string) {
  return Type.String({
    pattern: "^[A-Za-z0-9_-]{1,64}(?:,[A-Za-z0-9_-]{1,64}){0,49}$",
    maxLength: 3300,
    description: `${description} Comma list (OR), at most 50.`,
  });
}

export const CertificateListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, default: 50, description: "Page size." }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: "Opaque `next_cursor` of the previous page, for the same sort and order.",
      }),
    ),
    status: Type.Optional(
      commaList(CERTIFICATE_STATUSES, "Status as computed now (`expired` from the expiry date)."),
    ),
    expiring_within_days: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 36500,
        description: "Not yet expired, and expiring within this many days.",
      }),
    ),
    issuer_type: Type.Optional(commaList(ISSUER_TYPES, "How the certificate came here.")),
    ca_id: Type.Optional(idList("Issued (or matched on import) by these CAs.")),
    profile_id: Type.Optional(idList("Issued under these profiles.")),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          "A common name or SAN prefix (case-insensitive), or an exact serial number or SHA-1/SHA-256 fingerprint in hex (colons allowed).",
      }),
    ),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal("expires_at"), Type.Literal("created_at"), Type.Literal("common_name")],
        {
          default: "created_at",
          description: "Sort key; ties are broken by id, so paging is stable.",
        },
      ),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal("asc"), Type.Literal("desc")], {
        default: "desc",
        description: "Sort direction.",
      }),
    ),
  },
  { additionalProperties: false },
);

export function filterOf(query: Static<typeof CertificateListQuery>): CertificateFilter {
  const list = (value: string | undefined) => (value === undefined ? undefined : value.split(","));
  return {
    statuses: list(query.status) as CertificateStatus[] | undefined,
    expiringWithinDays: query.expiring_within_days,
    issuerTypes: list(query.issuer_type) as IssuerType[] | undefined,
    caIds: list(query.ca_id),
    profileIds: list(query.profile_id),
    q: query.q,
  };
}

export const CertificateParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  certificateId: IdParam("certificate", "cert_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

const San = Type.Object({
  type: Type.String({ description: "dns, ip, email, uri (others shown as read)." }),
  value: Type.String(),
});

export const CertificateJson = Type.Object(
  {
    id: Type.String({ examples: ["cert_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    status: Type.String({
      description: "active, expired (computed now), revoked, renewal_failed or superseded.",
    }),
    common_name: Type.String(),
    sans: Type.Array(San),
    serial_number: Type.String({ description: "Lower-case hex." }),
    issuer_type: Type.String(),
    ca_id: Nullable(Type.String()),
    profile_id: Nullable(Type.String()),
    key_type: Type.String({ examples: ["ECDSA-P256"] }),
    key_size: Nullable(Type.Integer()),
    subject_dn: Type.String(),
    issuer_dn: Type.String(),
    not_before: Type.String({ format: "date-time" }),
    expires_at: Type.String({ format: "date-time" }),
    fingerprint_sha256: Type.String(),
    fingerprint_sha1: Type.String(),
    has_private_key: Type.Boolean({ description: "A key for it is under custody here." }),
    is_key_downloadable: Type.Boolean(),
    revoked_at: Nullable(Type.String({ format: "date-time" })),
    revocation_reason: Nullable(Type.String()),
    predecessor_id: Nullable(Type.String({ description: "The certificate this one renewed." })),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "Certificate" },
);

export const CertificatePage = PageOf(CertificateJson, "CertificatePage");

const ChainEntry = Type.Object({
  subject_dn: Type.String(),
  issuer_dn: Type.String(),
  serial_number: Type.String(),
  not_before: Type.String({ format: "date-time" }),
  expires_at: Type.String({ format: "date-time" }),
  fingerprint_sha256: Type.String(),
  certificate: Type.String({ description: "PEM." }),
});

export const CertificateDetailJson = Type.Object(
  {
    ...CertificateJson.properties,
    subject: Type.Record(Type.String(), Type.String(), {
      description: "Subject fields by name (common_name, organization, …).",
    }),
    issuer: Type.Record(Type.String(), Type.String()),
    version: Type.Integer(),
    signature_algorithm: Type.String(),
    key_usage: Type.Array(Type.String()),
    extended_key_usage: Type.Array(Type.String()),
    is_ca: Type.Boolean(),
    path_length: Nullable(Type.Integer()),
    subject_key_identifier: Nullable(Type.String()),
    authority_key_identifier: Nullable(Type.String()),
    crl_urls: Type.Array(Type.String()),
    ocsp_urls: Type.Array(Type.String()),
    ca_issuers_urls: Type.Array(Type.String()),
    successor_ids: Type.Array(Type.String(), {
      description: "Certificates that renewed this one.",
    }),
    certificate: Type.String({ description: "PEM." }),
    chain: Type.String({ description: "PEM issuers, nearest first; empty when none is known." }),
    chain_details: Type.Array(ChainEntry, { description: "The issuers parsed, nearest first." }),
  },
  { title: "CertificateDetail" },
);

export function certificateJson(c: InventoryCertificate) {
  return {
    id: c.id,
    status: c.status,
    common_name: c.commonName,
    sans: c.sans,
    serial_number: c.serialNumber,
    issuer_type: c.issuerType,
    ca_id: c.caId,
    profile_id: c.profileId,
    key_type: c.keyType,
    key_size: c.keySize,
    subject_dn: c.subjectDn,
    issuer_dn: c.issuerDn,
    not_before: isoTime(c.notBefore),
    expires_at: isoTime(c.expiresAt),
    fingerprint_sha256: c.fingerprintSha256,
    fingerprint_sha1: c.fingerprintSha1,
    has_private_key: c.hasPrivateKey,
    is_key_downloadable: c.isKeyDownloadable,
    revoked_at: c.revokedAt ? isoTime(c.revokedAt) : null,
    revocation_reason: c.revocationReason,
    predecessor_id: c.predecessorId,
    created_at: isoTime(c.createdAt),
    updated_at: isoTime(c.updatedAt),
  };
}

const SUBJECT_FIELDS: Record<string, string> = {
  commonName: "common_name",
  organization: "organization",
  organizationalUnit: "organizational_unit",
  country: "country",
  state: "state",
  locality: "locality",
};

function nameJson(subject: CertificateInfo["subject"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(subject.subject)) {
    if (typeof value === "string") out[SUBJECT_FIELDS[field] ?? field] = value;
  }
  return out;
}

function chainEntryJson(info: CertificateInfo) {
  return {
    subject_dn: info.subject.text,
    issuer_dn: info.issuer.text,
    serial_number: info.serialNumberHex,
    not_before: isoTime(info.notBefore),
    expires_at: isoTime(info.notAfter),
    fingerprint_sha256: info.fingerprintSha256,
    certificate: encodePem("CERTIFICATE", info.der),
  };
}

export function certificateDetailJson({ certificate, info, chain }: CertificateDetails) {
  return {
    ...certificateJson(certificate),
    subject: nameJson(info.subject),
    issuer: nameJson(info.issuer),
    version: info.version,
    signature_algorithm: info.signatureAlgorithm.name,
    key_usage: info.keyUsage,
    extended_key_usage: info.extendedKeyUsage,
    is_ca: info.isCa,
    path_length: info.pathLength,
    subject_key_identifier: info.subjectKeyIdentifier,
    authority_key_identifier: info.authorityKeyIdentifier,
    crl_urls: info.crlUrls,
    ocsp_urls: info.ocspUrls,
    ca_issuers_urls: info.caIssuersUrls,
    successor_ids: certificate.successorIds,
    certificate: encodePem("CERTIFICATE", info.der),
    chain: encodePemChain(
      "CERTIFICATE",
      chain.map((c) => c.der),
    ),
    chain_details: chain.map(chainEntryJson),
  };
}

// --- import ---

const Password = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: "Opens the PKCS#12 file or the encrypted private key. Never stored or logged.",
});

export const ImportItem = Type.Union(
  [
    Type.Object(
      {
        pem: Type.String({
          minLength: 1,
          maxLength: 4_000_000,
          description:
            "One or more CERTIFICATE blocks: each leaf is imported with the issuers found beside it.",
        }),
        private_key: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100_000,
            description:
              "PEM private key of one of the certificates (PKCS#8, encrypted or not, or a traditional RSA/EC key).",
          }),
        ),
        password: Type.Optional(Password),
      },
      { additionalProperties: false, title: "ImportPem" },
    ),
    Type.Object(
      {
        der: Type.String({
          minLength: 4,
          maxLength: 4_000_000,
          contentEncoding: "base64",
          description: "One certificate, DER, base64.",
        }),
      },
      { additionalProperties: false, title: "ImportDer" },
    ),
    Type.Object(
      {
        pkcs12: Type.String({
          minLength: 4,
          maxLength: 4_000_000,
          contentEncoding: "base64",
          description: "A PKCS#12 (.p12/.pfx) file, base64: its certificate, chain and key.",
        }),
        password: Password,
      },
      { additionalProperties: false, title: "ImportPkcs12" },
    ),
  ],
  { description: "One upload: exactly one of pem, der or pkcs12." },
);

export const ImportBody = Type.Object(
  {
    items: Type.Array(ImportItem, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false, title: "ImportCertificates" },
);

export const ImportResultJson = Type.Object(
  {
    items: Type.Array(CertificateJson, { description: "The certificates created." }),
    existing: Type.Array(Type.Object({ id: Type.String(), fingerprint_sha256: Type.String() }), {
      description: "Certificates of the upload already in this project's inventory.",
    }),
  },
  { title: "ImportResult" },
);

// --- downloads ---

export const PublicDownloadQuery = Type.Object(
  {
    format: Type.Union([Type.Literal("pem"), Type.Literal("der"), Type.Literal("chain")], {
      default: "pem",
      description: "pem: the certificate; der: the certificate, binary; chain: it and its issuers.",
    }),
  },
  { additionalProperties: false },
);

export const BundleDownloadBody = Type.Object(
  {
    format: Type.Union([Type.Literal("p12"), Type.Literal("jks"), Type.Literal("zip")]),
    password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          "Protects the file (and the key in it). Required for p12 and jks, and for zip with the key.",
      }),
    ),
    include_private_key: Type.Optional(
      Type.Boolean({
        description: "Default: true when this certificate has a downloadable key under custody.",
      }),
    ),
  },
  { additionalProperties: false, title: "DownloadBundle" },
);

export const FileResponse = (description: string, types: string[]) => ({
  description,
  content: Object.fromEntries(
    types.map((type) => [type, { schema: { type: "string", format: "binary" } }]),
  ),
});

/** Strict base64 (whitespace allowed between lines, as files are often wrapped). */
export function decodeBase64Field(value: string, field: string): Uint8Array {
  const compact = value.replace(/\s+/g, "");
  const bytes = Buffer.from(compact, "base64");
  if (
    compact.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) ||
    bytes.toString("base64") !== compact
  ) {
    throw validationFailed(`"${field}" is not valid base64.`, [{ field, reason: "base64" }]);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// --- renewal ---

export const RenewBody = Type.Object(
  {
    key: Type.Optional(
      Type.Union([Type.Literal("new"), Type.Literal("same")], {
        description:
          'new: a fresh key (generated here like the old one, or the one in csr); same: keep the key. Default: "new" when the key was generated here or a csr is given, else "same".',
      }),
    ),
    csr: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 65_536,
        description: "A PKCS#10 request (PEM) for the new key, when you hold the key.",
      }),
    ),
    validity_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36500,
        description: "Default: the profile's validity, else the predecessor's lifetime.",
      }),
    ),
  },
  { additionalProperties: false, title: "RenewCertificate" },
);
