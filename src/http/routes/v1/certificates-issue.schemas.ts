import { Type, type Static } from "typebox";

import { KEY_USAGES } from "../../../pki/extensions.js";
import type { SanInput } from "../../../pki/general-names.js";
import type {
  IssueCertificateRequest,
  IssuedCertificate,
} from "../../../services/issuance/issuance.types.js";
import { isoTime } from "../../schemas/common.js";

import {
  KeyBackendSchema,
  KeyTypeSchema,
  NameTypeSchema,
  Nullable,
  PemText,
  SubjectSchema,
  subjectFromJson,
} from "./pki.schemas.js";

/** The server-wide SAN limit (issuance-request.fns.ts MAX_SANS), enforced here as a 400. */
const MAX_SANS = 100;

const SanSchema = Type.Union(
  [
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'A DNS name, IP address, e-mail address ("mailto:" optional) or absolute URI; OpenSSL-style "DNS:", "IP:", "email:", "URI:" prefixes also work.',
    }),
    Type.Object(
      { type: NameTypeSchema, value: Type.String({ minLength: 1, maxLength: 2048 }) },
      { additionalProperties: false },
    ),
  ],
  { title: "San" },
);

export const IssueCertificateBody = Type.Object(
  {
    ca_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "The issuing CA (default: the profile's).",
      }),
    ),
    profile_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    self_signed: Type.Optional(
      Type.Boolean({ description: "Sign with the certificate's own key (generated here); no CA." }),
    ),
    csr: Type.Optional(
      PemText("A PKCS#10 request (PEM). Without it, a key is generated here (key_type)."),
    ),
    subject: Type.Optional(SubjectSchema),
    sans: Type.Optional(Type.Array(SanSchema, { maxItems: MAX_SANS })),
    key_type: Type.Optional(KeyTypeSchema),
    key_backend: Type.Optional(KeyBackendSchema),
    validity_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36500,
        description: "Default: the profile's, else 397.",
      }),
    ),
    key_usage: Type.Optional(
      Type.Array(Type.Union(KEY_USAGES.map((u) => Type.Literal(u))), {
        minItems: 1,
        maxItems: 9,
        uniqueItems: true,
      }),
    ),
    extended_key_usage: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
  },
  {
    additionalProperties: false,
    title: "IssueCertificate",
    description:
      'From a CSR: {"ca_id"|"profile_id","csr"}. With a key generated here: {"ca_id"|"profile_id","subject","sans","key_type","validity_days"}. Self-signed: {"self_signed":true,"subject","sans","key_type"}.',
  },
);

export type IssueCertificateBodyJson = Static<typeof IssueCertificateBody>;

export const IssuedCertificateJson = Type.Object(
  {
    id: Type.String({ examples: ["cert_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    status: Type.String(),
    common_name: Type.String(),
    sans: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
    serial_number: Type.String({ description: "Lower-case hex." }),
    issuer_type: Type.String(),
    ca_id: Nullable(Type.String()),
    profile_id: Nullable(Type.String()),
    key_type: Type.String(),
    subject_dn: Type.String(),
    issuer_dn: Type.String(),
    not_before: Type.String({ format: "date-time" }),
    expires_at: Type.String({ format: "date-time" }),
    fingerprint_sha256: Type.String(),
    has_private_key: Type.Boolean({
      description: "The key was generated here and is under custody.",
    }),
    is_key_downloadable: Type.Boolean(),
    created_at: Type.String({ format: "date-time" }),
    certificate: Type.String({ description: "PEM." }),
    chain: Type.String({ description: "PEM issuers, nearest first; empty when self-signed." }),
  },
  { title: "IssuedCertificate" },
);

/** Body → service request; the body's shape rules that need no other rows are checked here. */
export function issueRequestFromJson(
  projectId: string,
  body: IssueCertificateBodyJson,
): IssueCertificateRequest {
  const sans = body.sans?.map((san): SanInput => san);
  return {
    projectId,
    caId: body.ca_id,
    profileId: body.profile_id,
    selfSigned: body.self_signed,
    key:
      body.csr !== undefined
        ? { kind: "csr", csr: body.csr }
        : { kind: "generate", keyType: body.key_type, keyBackend: body.key_backend },
    subject: body.subject === undefined ? undefined : subjectFromJson(body.subject),
    sans,
    validityDays: body.validity_days,
    keyUsage: body.key_usage,
    extendedKeyUsage: body.extended_key_usage,
  };
}

export function issuedCertificateJson(c: IssuedCertificate) {
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
    subject_dn: c.subjectDn,
    issuer_dn: c.issuerDn,
    not_before: isoTime(c.notBefore),
    expires_at: isoTime(c.expiresAt),
    fingerprint_sha256: c.fingerprintSha256,
    has_private_key: c.keyRef !== null,
    is_key_downloadable: c.isKeyDownloadable,
    created_at: isoTime(c.createdAt),
    certificate: c.certificatePem,
    chain: c.chainPem,
  };
}
