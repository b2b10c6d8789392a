import { Type } from "typebox";

import { encodePem } from "../../../pki/pem.js";
import type { Ca, CaUrls } from "../../../services/cas/cas.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

import {
  KeyBackendSchema,
  KeyTypeSchema,
  NameTypeSchema,
  Nullable,
  PemText,
  SubjectSchema,
} from "./pki.schemas.js";

export const ProjectParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const CaParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  caId: IdParam("CA", "ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

const Subtree = Type.Object(
  {
    type: NameTypeSchema,
    value: Type.String({
      minLength: 1,
      maxLength: 253,
      description:
        'dns: "example.com" (and below); ip: a subnet "10.0.0.0/8"; email: a mailbox, host or ".domain"; uri: a host or ".domain".',
    }),
  },
  { additionalProperties: false },
);

const NameConstraintsSchema = Type.Object(
  {
    permitted: Type.Optional(Type.Array(Subtree, { maxItems: 100 })),
    excluded: Type.Optional(Type.Array(Subtree, { maxItems: 100 })),
  },
  {
    additionalProperties: false,
    title: "NameConstraints",
    description: "RFC 5280 §4.2.1.10 name constraints, written critical into the CA certificate.",
  },
);

const CaName = Type.String({
  minLength: 1,
  maxLength: 100,
  description: "Unique within the project.",
});

export const CreateCaBody = Type.Object(
  {
    name: CaName,
    type: Type.Union([Type.Literal("root"), Type.Literal("intermediate")]),
    parent_ca_id: Type.Optional(IdParam("parent CA", "ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B")),
    subject: SubjectSchema,
    key_type: Type.Optional({ ...KeyTypeSchema, default: "ECDSA-P256" }),
    key_backend: Type.Optional(KeyBackendSchema),
    validity_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36500,
        description: "Default 3650 for a root, 1825 for an intermediate.",
      }),
    ),
    path_length: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 255,
          description: "How many intermediate CAs may follow (RFC 5280 §4.2.1.9); null: no limit.",
        }),
      ),
    ),
    name_constraints: Type.Optional(Nullable(NameConstraintsSchema)),
  },
  {
    additionalProperties: false,
    title: "CreateCa",
    description:
      "An intermediate with parent_ca_id is signed by that CA here; without it, its CSR is returned (status pending_certificate) for another CA to sign, and the signed certificate is uploaded to …/cas/{caId}/certificate.",
  },
);

export const ImportCaBody = Type.Object(
  {
    name: CaName,
    certificate: PemText(
      "The CA certificate (PEM, or base64 DER); more PEM certificates after it are taken as its chain.",
    ),
    chain: Type.Optional(PemText("Certificates above it, nearest issuer first (PEM).", 262_144)),
    private_key: Type.Optional(
      PemText(
        "The CA's private key (PEM: PKCS#8, encrypted PKCS#8, or traditional RSA/EC). Without it the CA is an external issuer: known to the inventory, unable to sign.",
      ),
    ),
    private_key_password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    key_backend: Type.Optional(KeyBackendSchema),
  },
  { additionalProperties: false, title: "ImportCa" },
);

export const UploadCaCertificateBody = Type.Object(
  {
    certificate: PemText("The certificate the issuing CA signed for this CA's CSR (PEM)."),
    chain: Type.Optional(PemText("Certificates above it, nearest issuer first (PEM).", 262_144)),
  },
  { additionalProperties: false, title: "UploadCaCertificate" },
);

export const UpdateCaBody = Type.Object(
  {
    name: Type.Optional(CaName),
    status: Type.Optional(
      Type.Union([Type.Literal("active"), Type.Literal("disabled")], {
        description: "A disabled CA issues nothing; its CRL and OCSP keep answering.",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateCa" },
);

export const CaDownloadQuery = Type.Object(
  {
    format: Type.Union(
      [
        Type.Literal("pem"),
        Type.Literal("der"),
        Type.Literal("chain"),
        Type.Literal("p7b"),
        Type.Literal("csr"),
      ],
      {
        default: "pem",
        description:
          "pem or der: the CA certificate; chain: the CA certificate and every issuer above it (PEM); p7b: the same chain as one DER file (PKCS#7 certs-only); csr: the pending CSR (PEM).",
      },
    ),
  },
  { additionalProperties: false },
);

export const CaJson = Type.Object(
  {
    id: Type.String({ examples: ["ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    project_id: Type.String(),
    name: Type.String(),
    type: Type.String({ description: "root, intermediate or external." }),
    status: Type.String({ description: "active, disabled or pending_certificate." }),
    parent_ca_id: Nullable(Type.String()),
    subject_dn: Type.String(),
    serial_number: Nullable(Type.String()),
    subject_key_identifier: Nullable(Type.String()),
    key_type: Type.String(),
    key_backend: Nullable(Type.String({ description: "Null for an external issuer." })),
    not_before: Nullable(Type.String({ format: "date-time" })),
    not_after: Nullable(Type.String({ format: "date-time" })),
    path_length: Nullable(Type.Integer()),
    name_constraints: Nullable(NameConstraintsSchema),
    certificate: Nullable(Type.String({ description: "PEM; null while pending." })),
    chain: Type.String({
      description: "PEM certificates above this CA, nearest issuer first; empty for a root.",
    }),
    csr: Nullable(Type.String({ description: "PEM CSR of a pending intermediate." })),
    urls: Type.Object(
      {
        crl: Type.String(),
        ocsp: Type.String(),
        ca_issuers: Type.String(),
      },
      { description: "Put into the certificates this CA issues." },
    ),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "Ca" },
);

export const CaPage = PageOf(CaJson, "CaPage");

export function caJson(ca: Ca, urls: CaUrls) {
  return {
    id: ca.id,
    project_id: ca.projectId,
    name: ca.name,
    type: ca.type,
    status: ca.status,
    parent_ca_id: ca.parentCaId,
    subject_dn: ca.subjectDn,
    serial_number: ca.serialNumber,
    subject_key_identifier: ca.subjectKeyId,
    key_type: ca.keyType,
    key_backend: ca.keyBackend,
    not_before: ca.notBefore ? isoTime(ca.notBefore) : null,
    not_after: ca.notAfter ? isoTime(ca.notAfter) : null,
    path_length: ca.pathLength,
    name_constraints: ca.nameConstraints,
    certificate: ca.certificateDer ? encodePem("CERTIFICATE", ca.certificateDer) : null,
    chain: ca.chainPem,
    csr:
      ca.csrDer && ca.status === "pending_certificate"
        ? encodePem("CERTIFICATE REQUEST", ca.csrDer)
        : null,
    urls: { crl: urls.crl, ocsp: urls.ocsp, ca_issuers: urls.caIssuers },
    created_at: isoTime(ca.createdAt),
    updated_at: isoTime(ca.updatedAt),
  };
}
