/** Schemas of the native Cisco API (`/api/v1/projects/{projectId}/cisco/…`, seed 004 style). */

import { Type } from "typebox";

import { encodePem } from "../../../pki/pem.js";
import type {
  CiscoDevice,
  CiscoSettings,
  SignerInfo,
  TrustEntry,
} from "../../../services/cisco/cisco.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

const PEM = Type.String({ minLength: 1, maxLength: 65_536 });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ProjectOnly = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

export const DeviceParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  name: Type.String({ minLength: 1, maxLength: 64, examples: ["SEP001122334455"] }),
});

export const FingerprintParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  fingerprint: Type.String({ minLength: 1, maxLength: 128 }),
});

export const SignerParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  purpose: Type.Union([Type.Literal("sast"), Type.Literal("tftp"), Type.Literal("capf_issuer")]),
});

const Operation = Type.Union([
  Type.Literal("install"),
  Type.Literal("fetch"),
  Type.Literal("delete"),
  Type.Literal("none"),
]);
const Authentication = Type.Union([
  Type.Literal("none"),
  Type.Literal("password"),
  Type.Literal("certificate"),
]);
const KeyType = Type.Union([Type.Literal("RSA"), Type.Literal("EC")]);
const Digest = Type.Union([Type.Literal("SHA-1"), Type.Literal("SHA-512")]);

export const DeviceJson = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ examples: ["SEP001122334455"] }),
    description: Type.String(),
    operation: Operation,
    authentication: Authentication,
    has_password: Type.Boolean(),
    key_type: KeyType,
    key_size: Type.Union([Type.Integer(), Type.Null()]),
    curve: Nullable(Type.String()),
    status: Type.String({
      examples: ["pending", "issued", "fetched", "deleted", "failed", "idle"],
    }),
    certificate: Type.Union([
      Type.Object({
        kind: Type.String({ examples: ["lsc", "mic"] }),
        serial_number: Type.String(),
        not_valid_before: Type.String({ format: "date-time" }),
        not_valid_after: Type.String({ format: "date-time" }),
      }),
      Type.Null(),
    ]),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "CiscoDevice" },
);

export const DevicePage = PageOf(DeviceJson, "CiscoDevicePage");

export const CreateDeviceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, examples: ["SEP001122334455"] }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    operation: Type.Optional(Operation),
    authentication: Type.Optional(Authentication),
    password: Type.Optional(Type.String({ maxLength: 64, description: "4 to 15 digits." })),
    key_type: Type.Optional(KeyType),
    key_size: Type.Optional(Type.Integer()),
    curve: Type.Optional(Type.String({ maxLength: 32, examples: ["secp256r1"] })),
    certificate: Type.Optional(PEM),
  },
  { additionalProperties: false, title: "CreateCiscoDevice" },
);

export const UpdateDeviceBody = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    operation: Type.Optional(Operation),
    authentication: Type.Optional(Authentication),
    password: Type.Optional(Type.String({ maxLength: 64 })),
    key_type: Type.Optional(KeyType),
    key_size: Type.Optional(Type.Integer()),
    curve: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateCiscoDevice" },
);

export const TrustEntryJson = Type.Object(
  {
    fingerprint: Type.String({ description: "Lowercase hex SHA-256 of the certificate DER." }),
    subject: Type.String(),
    roles: Type.Array(Type.String()),
    ttl_seconds: Type.Integer(),
    description: Type.String(),
    certificate_pem: Type.String(),
    created_at: Type.String({ format: "date-time" }),
  },
  { title: "CiscoTrustEntry" },
);

export const TrustEntryPage = PageOf(TrustEntryJson, "CiscoTrustEntryPage");

export const AddTrustEntryBody = Type.Object(
  {
    certificate_pem: PEM,
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 7 }),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, title: "AddCiscoTrustEntry" },
);

export const SignerJson = Type.Object(
  {
    purpose: Type.String(),
    subject: Type.String(),
    serial_number: Type.String(),
    not_valid_after: Type.String({ format: "date-time" }),
    certificate_pem: Type.String(),
    created_at: Type.String({ format: "date-time" }),
  },
  { title: "CiscoSigner" },
);

export const SetSignerBody = Type.Object(
  { certificate_pem: PEM, private_key_pem: PEM },
  { additionalProperties: false, title: "SetCiscoSigner" },
);

export const SettingsJson = Type.Object(
  {
    lsc_validity_days: Type.Integer(),
    capf_issuer_ca_id: Type.Union([Type.String(), Type.Null()], {
      description: "The project CA that issues LSCs; null: the capf_issuer signer does.",
    }),
  },
  { title: "CiscoSettings" },
);

export const UpdateSettingsBody = Type.Object(
  {
    lsc_validity_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3560 })),
    capf_issuer_ca_id: Type.Optional(
      Type.Union([IdParam("CA", "ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B"), Type.Null()]),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateCiscoSettings" },
);

export const ItlFileBody = Type.Object(
  {
    certificates: Type.Array(
      Type.Object(
        {
          pem: PEM,
          roles: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), {
            minItems: 1,
            maxItems: 7,
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 64 },
    ),
    digest: Type.Optional(Digest),
    signer_version: Type.Optional(Type.Union([Type.Literal("1.0"), Type.Literal("1.1")])),
    file_name: Type.Optional(
      Type.String({
        pattern: "^(ITL|CTL)(File|SEP[0-9A-F]{12})\\.tlv$",
        examples: ["ITLFile.tlv"],
      }),
    ),
  },
  { additionalProperties: false, title: "BuildCiscoItl" },
);

export const EncryptConfigBody = Type.Object(
  {
    device_name: Type.String({ minLength: 1, maxLength: 64 }),
    config_xml: Type.String({ minLength: 1, maxLength: 262_144 }),
    digest: Type.Optional(Digest),
  },
  { additionalProperties: false, title: "EncryptCiscoConfig" },
);

export const Binary = Type.String({
  description: "The file's bytes.",
  contentMediaType: "application/octet-stream",
});

export function deviceJson(device: CiscoDevice) {
  const c = device.certificate;
  return {
    id: device.id,
    name: device.name,
    description: device.description,
    operation: device.operation,
    authentication: device.authentication,
    has_password: device.hasPassword,
    key_type: device.keyType,
    key_size: device.keySize,
    curve: device.curve,
    status: device.status,
    certificate: c && {
      kind: c.kind,
      serial_number: c.serialNumber,
      not_valid_before: isoTime(c.notValidBefore),
      not_valid_after: isoTime(c.notValidAfter),
    },
    created_at: isoTime(device.createdAt),
    updated_at: isoTime(device.updatedAt),
  };
}

export function trustEntryJson(entry: TrustEntry) {
  return {
    fingerprint: entry.fingerprint,
    subject: entry.subject,
    roles: entry.roles,
    ttl_seconds: entry.ttlSeconds,
    description: entry.description,
    certificate_pem: encodePem("CERTIFICATE", entry.certificateDer),
    created_at: isoTime(entry.createdAt),
  };
}

export function signerJson(signer: SignerInfo) {
  return {
    purpose: signer.purpose,
    subject: signer.subject,
    serial_number: signer.serialNumber,
    not_valid_after: isoTime(signer.notValidAfter),
    certificate_pem: encodePem("CERTIFICATE", signer.certificateDer),
    created_at: isoTime(signer.createdAt),
  };
}

export function settingsJson(settings: CiscoSettings) {
  return {
    lsc_validity_days: settings.lscValidityDays,
    capf_issuer_ca_id: settings.capfIssuerCaId,
  };
}
