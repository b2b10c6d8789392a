import { Type } from "typebox";

import { KEY_BACKENDS } from "../../../keys/key-store.js";
import { encodePem } from "../../../pki/pem.js";
import type { CreatedCredential, SigningCredential } from "../../../services/csc/csc.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

const DIGEST_KEY_TYPES = [
  "RSA-2048",
  "RSA-3072",
  "RSA-4096",
  "ECDSA-P256",
  "ECDSA-P384",
  "ECDSA-P521",
] as const;

const Pin = Type.String({
  minLength: 4,
  maxLength: 64,
  writeOnly: true,
  description: "Stored only as an scrypt hash; never returned.",
});

const Algorithms = Type.Array(Type.String({ pattern: "^[0-9]+(\\.[0-9]+)+$", maxLength: 64 }), {
  minItems: 1,
  maxItems: 16,
  description: "Signature-algorithm OIDs the credential may use (default: all its key can do).",
});

const CertificateText = Type.String({
  minLength: 1,
  maxLength: 65536,
  description: "PEM, or base64 of the DER.",
});

const Chain = Type.Array(CertificateText, {
  maxItems: 10,
  description: "CA certificates, issuer first.",
});

export const SubjectBody = Type.Object(
  {
    common_name: Type.Optional(Type.String({ maxLength: 64 })),
    organization: Type.Optional(Type.String({ maxLength: 64 })),
    organizational_unit: Type.Optional(Type.String({ maxLength: 64 })),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    state: Type.Optional(Type.String({ maxLength: 128 })),
    locality: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const CreateSigningCredentialBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 255 })),
    owner_user_id: IdParam("owner user", "usr_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
    ca_id: Type.Optional(IdParam("issuing CA", "ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B")),
    key_type: Type.Union(
      DIGEST_KEY_TYPES.map((t) => Type.Literal(t)),
      { default: "ECDSA-P256" },
    ),
    key_backend: Type.Optional(Type.Union(KEY_BACKENDS.map((b) => Type.Literal(b)))),
    subject: Type.Optional(SubjectBody),
    auth_mode: Type.Union([Type.Literal("explicit"), Type.Literal("token")], {
      description:
        '"explicit": a PIN gives a SAD (credentials/authorize); "token": the access token alone authorizes (seals).',
    }),
    pin: Type.Optional(Pin),
    multisign: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    scal: Type.Optional(Type.Union([Type.Literal("1"), Type.Literal("2")])),
    allowed_algorithms: Type.Optional(Algorithms),
    certificate: Type.Optional(CertificateText),
    chain: Type.Optional(Chain),
    private_key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16384,
        writeOnly: true,
        description: "PKCS#8 PEM of the imported certificate's key (software backend only).",
      }),
    ),
  },
  { additionalProperties: false, title: "CreateSigningCredential" },
);

export const UpdateSigningCredentialBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 255 })),
    enabled: Type.Optional(Type.Boolean()),
    multisign: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    allowed_algorithms: Type.Optional(Algorithms),
    pin: Type.Optional(Pin),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateSigningCredential" },
);

export const SetCertificateBody = Type.Object(
  { certificate: CertificateText, chain: Type.Optional(Chain) },
  { additionalProperties: false, title: "SetSigningCertificate" },
);

export const SigningCredentialParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  credentialId: IdParam("signing credential", "cred_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const ProjectParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const SigningCredentialJson = Type.Object(
  {
    id: Type.String(),
    credential_id: Type.String({ description: "The credentialID of /csc/v2." }),
    project_id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    owner_user_id: Type.String(),
    key_type: Type.String(),
    key_backend: Type.String(),
    status: Type.Union(
      ["pending_certificate", "active", "disabled", "locked", "expired"].map((s) =>
        Type.Literal(s),
      ),
    ),
    auth_mode: Type.String(),
    has_pin: Type.Boolean(),
    pin_failed_attempts: Type.Integer(),
    is_locked: Type.Boolean(),
    enabled: Type.Boolean(),
    allowed_algorithms: Type.Array(Type.String()),
    multisign: Type.Integer(),
    scal: Type.String(),
    ca_id: Type.Union([Type.String(), Type.Null()]),
    certificate: Type.Union([Type.String(), Type.Null()], { description: "PEM." }),
    chain: Type.Array(Type.String(), { description: "PEM, issuer first." }),
    not_after: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    csr: Type.Optional(
      Type.String({ description: "PEM CSR for the key, while the certificate is pending." }),
    ),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "SigningCredential" },
);

export const SigningCredentialPage = PageOf(SigningCredentialJson, "SigningCredentialPage");

function statusOf(credential: SigningCredential, now: Date) {
  if (credential.certificateDer === null) return "pending_certificate";
  if (!credential.isEnabled) return "disabled";
  if (credential.pinLockedAt !== null) return "locked";
  if (credential.notAfter !== null && credential.notAfter <= now) return "expired";
  return "active";
}

export function signingCredentialJson(credential: SigningCredential, now = new Date()) {
  return {
    id: credential.id,
    credential_id: credential.credentialId,
    project_id: credential.projectId,
    name: credential.name,
    description: credential.description,
    owner_user_id: credential.ownerUserId,
    key_type: credential.keyType,
    key_backend: credential.keyBackend,
    status: statusOf(credential, now),
    auth_mode: credential.authMode,
    has_pin: credential.hasPin,
    pin_failed_attempts: credential.pinFailedAttempts,
    is_locked: credential.pinLockedAt !== null,
    enabled: credential.isEnabled,
    allowed_algorithms: credential.allowedAlgorithms,
    multisign: credential.multisign,
    scal: credential.scal,
    ca_id: credential.caId,
    certificate:
      credential.certificateDer === null
        ? null
        : encodePem("CERTIFICATE", credential.certificateDer),
    chain: credential.chainDer.map((der) => encodePem("CERTIFICATE", der)),
    not_after: credential.notAfter === null ? null : isoTime(credential.notAfter),
    created_at: isoTime(credential.createdAt),
    updated_at: isoTime(credential.updatedAt),
  };
}

export function createdCredentialJson(created: CreatedCredential) {
  return {
    ...signingCredentialJson(created.credential),
    ...(created.csrPem !== null ? { csr: created.csrPem } : {}),
  };
}
