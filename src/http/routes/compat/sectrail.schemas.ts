import { Type } from "typebox";

import { KEY_TYPES } from "../../../pki/signer.js";
import type { CertificateDetails } from "../../../services/inventory/inventory.service.js";
import {
  CERTIFICATE_STATUSES,
  ISSUER_TYPES,
  type InventoryCertificate,
} from "../../../services/inventory/inventory.types.js";
import type { IssuedCertificate } from "../../../services/issuance/issuance.types.js";
import { isoTime } from "../../schemas/common.js";
import { Nullable } from "../v1/pki.schemas.js";

/** Seed 002 (SecTrail CM) spells fields in camelCase; the values are the native ones. */

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });
const KeyType = Type.Union(
  KEY_TYPES.map((k) => Type.Literal(k)),
  { description: "As seed 004 spells key types." },
);

export const SectrailSubject = Type.Object(
  {
    commonName: Type.Optional(Type.String({ maxLength: 64 })),
    organization: Type.Optional(Type.String({ maxLength: 64 })),
    organizationalUnit: Type.Optional(Type.String({ maxLength: 64 })),
    country: Type.Optional(Type.String({ pattern: "^[A-Z]{2}$" })),
    state: Type.Optional(Type.String({ maxLength: 128 })),
    locality: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false, title: "SectrailSubject" },
);

export const GenerateBody = Type.Object(
  {
    requestType: Type.Union(
      [
        Type.Literal("csr"),
        Type.Literal("self-signed"),
        Type.Literal("template"),
        Type.Literal("jks"),
      ],
      {
        description:
          "csr: sign `csr` with `caId` (or `templateId`); self-signed: a key and certificate made here; template: issue under the profile `templateId`; jks: issue with a key made here and return it as a Java KeyStore protected by `password`.",
      },
    ),
    projectId: Type.Optional(Id),
    caId: Type.Optional(Id),
    templateId: Type.Optional(Id),
    csr: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
    subject: Type.Optional(SectrailSubject),
    sans: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 100 }),
    ),
    keyType: Type.Optional(KeyType),
    validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
    password: Type.Optional(
      Type.String({ minLength: 6, maxLength: 1024, description: "jks: the store password." }),
    ),
  },
  { additionalProperties: false, title: "SectrailGenerate" },
);

const San = Type.Object({ type: Type.String(), value: Type.String() });

export const GeneratedJson = Type.Object(
  {
    id: Type.String(),
    requestType: Type.String(),
    status: Type.String(),
    commonName: Type.String(),
    sans: Type.Array(San),
    serialNumber: Type.String(),
    caId: Nullable(Type.String()),
    templateId: Nullable(Type.String()),
    keyType: Type.String(),
    notBefore: Type.String({ format: "date-time" }),
    expiresAt: Type.String({ format: "date-time" }),
    fingerprintSha256: Type.String(),
    certificate: Type.String({ description: "PEM." }),
    chain: Type.String({ description: "PEM issuers, nearest first." }),
    keystore: Type.Optional(Type.String({ description: "jks: the Java KeyStore, base64." })),
  },
  { title: "SectrailGenerated" },
);

export function generatedJson(
  requestType: string,
  c: IssuedCertificate,
  keystore: Uint8Array | null,
) {
  return {
    id: c.id,
    requestType,
    status: c.status,
    commonName: c.commonName,
    sans: c.sans,
    serialNumber: c.serialNumber,
    caId: c.caId,
    templateId: c.profileId,
    keyType: c.keyType,
    notBefore: isoTime(c.notBefore),
    expiresAt: isoTime(c.expiresAt),
    fingerprintSha256: c.fingerprintSha256,
    certificate: c.certificatePem,
    chain: c.chainPem,
    ...(keystore ? { keystore: Buffer.from(keystore).toString("base64") } : {}),
  };
}

const list = (values: readonly string[]) =>
  Type.Array(Type.Union(values.map((v) => Type.Literal(v))), { maxItems: values.length });

export const GetCertificatesBody = Type.Object(
  {
    projectId: Type.Optional(Id),
    certificateIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 100,
        description: "Details of these certificates; without it, a filtered list.",
      }),
    ),
    status: Type.Optional(list(CERTIFICATE_STATUSES)),
    issuerType: Type.Optional(list(ISSUER_TYPES)),
    expiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 36500 })),
    caId: Type.Optional(Id),
    templateId: Type.Optional(Id),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    sort: Type.Optional(
      Type.Union([
        Type.Literal("expires_at"),
        Type.Literal("created_at"),
        Type.Literal("common_name"),
      ]),
    ),
    order: Type.Optional(Type.Union([Type.Literal("asc"), Type.Literal("desc")])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false, title: "SectrailGetCertificates" },
);

const InventoryJson = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    commonName: Type.String(),
    sans: Type.Array(San),
    serialNumber: Type.String(),
    issuerType: Type.String(),
    caId: Nullable(Type.String()),
    templateId: Nullable(Type.String()),
    keyType: Type.String(),
    subject: Type.String(),
    issuer: Type.String(),
    notBefore: Type.String({ format: "date-time" }),
    expiresAt: Type.String({ format: "date-time" }),
    fingerprintSha256: Type.String(),
    fingerprintSha1: Type.String(),
    revokedAt: Nullable(Type.String({ format: "date-time" })),
    keyUsage: Type.Optional(Type.Array(Type.String())),
    extendedKeyUsage: Type.Optional(Type.Array(Type.String())),
    certificate: Type.Optional(Type.String({ description: "PEM (details only)." })),
    chain: Type.Optional(Type.String({ description: "PEM issuers (details only)." })),
  },
  { title: "SectrailCertificate" },
);

export const CertificatesJson = Type.Object(
  {
    certificates: Type.Array(InventoryJson),
    nextCursor: Nullable(Type.String()),
  },
  { title: "SectrailCertificates" },
);

export function inventoryJson(c: InventoryCertificate) {
  return {
    id: c.id,
    status: c.status,
    commonName: c.commonName,
    sans: c.sans,
    serialNumber: c.serialNumber,
    issuerType: c.issuerType,
    caId: c.caId,
    templateId: c.profileId,
    keyType: c.keyType,
    subject: c.subjectDn,
    issuer: c.issuerDn,
    notBefore: isoTime(c.notBefore),
    expiresAt: isoTime(c.expiresAt),
    fingerprintSha256: c.fingerprintSha256,
    fingerprintSha1: c.fingerprintSha1,
    revokedAt: c.revokedAt ? isoTime(c.revokedAt) : null,
  };
}

export function detailJson({ certificate, info }: CertificateDetails, pem: string) {
  return {
    ...inventoryJson(certificate),
    keyUsage: info.keyUsage,
    extendedKeyUsage: info.extendedKeyUsage,
    certificate: pem,
    chain: certificate.chainPem,
  };
}
