import { Type } from "typebox";

import type { Subject } from "../../../pki/names.js";
import { KEY_TYPES } from "../../../pki/signer.js";

/** Schemas shared by the CA, profile, policy and issuance routes. */

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const KeyTypeSchema = Type.Union(
  KEY_TYPES.map((t) => Type.Literal(t)),
  { description: "Key type, spelled as seed 004 spells it." },
);

export const KeyBackendSchema = Type.Union([Type.Literal("software"), Type.Literal("pkcs11")], {
  description: "Where the private key lives: software (encrypted at rest) or a PKCS#11 HSM.",
});

/** Subject fields; bounds from RFC 5280 Appendix A (ub-*). */
export const SubjectSchema = Type.Object(
  {
    common_name: Type.Optional(Type.String({ maxLength: 64 })),
    organization: Type.Optional(Type.String({ maxLength: 64 })),
    organizational_unit: Type.Optional(Type.String({ maxLength: 64 })),
    country: Type.Optional(
      Type.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166 two-letter code." }),
    ),
    state: Type.Optional(Type.String({ maxLength: 128 })),
    locality: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false, title: "Subject" },
);

interface SubjectJson {
  common_name?: string | undefined;
  organization?: string | undefined;
  organizational_unit?: string | undefined;
  country?: string | undefined;
  state?: string | undefined;
  locality?: string | undefined;
}

export function subjectFromJson(json: SubjectJson | undefined): Subject {
  const out: Subject = {};
  if (!json) return out;
  if (json.common_name !== undefined) out.commonName = json.common_name;
  if (json.organization !== undefined) out.organization = json.organization;
  if (json.organizational_unit !== undefined) out.organizationalUnit = json.organizational_unit;
  if (json.country !== undefined) out.country = json.country;
  if (json.state !== undefined) out.state = json.state;
  if (json.locality !== undefined) out.locality = json.locality;
  return out;
}

export function subjectJson(subject: Subject): SubjectJson {
  return {
    ...(subject.commonName === undefined ? {} : { common_name: subject.commonName }),
    ...(subject.organization === undefined ? {} : { organization: subject.organization }),
    ...(subject.organizationalUnit === undefined
      ? {}
      : { organizational_unit: subject.organizationalUnit }),
    ...(subject.country === undefined ? {} : { country: subject.country }),
    ...(subject.state === undefined ? {} : { state: subject.state }),
    ...(subject.locality === undefined ? {} : { locality: subject.locality }),
  };
}

export const NameTypeSchema = Type.Union([
  Type.Literal("dns"),
  Type.Literal("ip"),
  Type.Literal("email"),
  Type.Literal("uri"),
]);

/** PEM text of certificates or requests: bounded so a body cannot smuggle megabytes. */
export const PemText = (description: string, maxLength = 65_536) =>
  Type.String({ minLength: 1, maxLength, description });
