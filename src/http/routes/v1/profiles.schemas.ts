import { Type, type Static } from "typebox";

import { KEY_USAGES } from "../../../pki/extensions.js";
import type {
  PolicyInput,
  Profile,
  ProfileInput,
  ProjectPolicy,
} from "../../../services/profiles/profiles.types.js";
import { IdParam, PageOf, isoTime } from "../../schemas/common.js";

import {
  KeyTypeSchema,
  NameTypeSchema,
  Nullable,
  SubjectSchema,
  subjectFromJson,
  subjectJson,
} from "./pki.schemas.js";

export const ProfileParams = Type.Object({
  projectId: IdParam("project", "prj_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
  profileId: IdParam("profile", "prf_01JD3K9Z2X4Q8W6V5T7R1N0M3B"),
});

const KeyUsageSchema = Type.Union(
  KEY_USAGES.map((u) => Type.Literal(u)),
  { description: "RFC 5280 §4.2.1.3 key usage bit." },
);

const EkuSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: "^([A-Za-z]+|[0-2](\\.(0|[1-9][0-9]*))+)$",
  description:
    "serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning, or a dotted OID.",
});

const SanRulesSchema = Type.Object(
  {
    allowed_types: Type.Optional(
      Type.Array(NameTypeSchema, { minItems: 1, maxItems: 4, uniqueItems: true }),
    ),
    max_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: "SanRules" },
);

const profileFields = {
  name: Type.String({ minLength: 1, maxLength: 100, description: "Unique within the project." }),
  description: Type.String({ maxLength: 1000, default: "" }),
  ca_id: Nullable(IdParam("CA", "ca_01JD3K9Z2X4Q8W6V5T7R1N0M3B")),
  allowed_key_types: Nullable(
    Type.Array(KeyTypeSchema, { minItems: 1, maxItems: 7, uniqueItems: true }),
  ),
  default_key_type: Nullable(KeyTypeSchema),
  validity_days: Type.Integer({ minimum: 1, maximum: 36500 }),
  max_validity_days: Nullable(Type.Integer({ minimum: 1, maximum: 36500 })),
  key_usage: Type.Array(KeyUsageSchema, { maxItems: 9, uniqueItems: true }),
  extended_key_usage: Type.Array(EkuSchema, { maxItems: 20, uniqueItems: true }),
  subject_defaults: SubjectSchema,
  san_rules: SanRulesSchema,
  renewal_window_days: Type.Integer({ minimum: 0, maximum: 3650 }),
  allow_key_download: Type.Boolean({
    description:
      "Whether a key generated here for a certificate of this profile may be downloaded.",
  }),
};

export const CreateProfileBody = Type.Object(
  {
    name: profileFields.name,
    description: Type.Optional(profileFields.description),
    ca_id: Type.Optional(profileFields.ca_id),
    allowed_key_types: Type.Optional(profileFields.allowed_key_types),
    default_key_type: Type.Optional(profileFields.default_key_type),
    validity_days: Type.Optional({ ...profileFields.validity_days, default: 397 }),
    max_validity_days: Type.Optional(profileFields.max_validity_days),
    key_usage: Type.Optional(profileFields.key_usage),
    extended_key_usage: Type.Optional(profileFields.extended_key_usage),
    subject_defaults: Type.Optional(profileFields.subject_defaults),
    san_rules: Type.Optional(profileFields.san_rules),
    renewal_window_days: Type.Optional({ ...profileFields.renewal_window_days, default: 30 }),
    allow_key_download: Type.Optional({ ...profileFields.allow_key_download, default: false }),
  },
  { additionalProperties: false, title: "CreateProfile" },
);

export const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(profileFields.name),
    description: Type.Optional(profileFields.description),
    ca_id: Type.Optional(profileFields.ca_id),
    allowed_key_types: Type.Optional(profileFields.allowed_key_types),
    default_key_type: Type.Optional(profileFields.default_key_type),
    validity_days: Type.Optional(profileFields.validity_days),
    max_validity_days: Type.Optional(profileFields.max_validity_days),
    key_usage: Type.Optional(profileFields.key_usage),
    extended_key_usage: Type.Optional(profileFields.extended_key_usage),
    subject_defaults: Type.Optional(profileFields.subject_defaults),
    san_rules: Type.Optional(profileFields.san_rules),
    renewal_window_days: Type.Optional(profileFields.renewal_window_days),
    allow_key_download: Type.Optional(profileFields.allow_key_download),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateProfile" },
);

export const ProfileJson = Type.Object(
  {
    id: Type.String({ examples: ["prf_01JD3K9Z2X4Q8W6V5T7R1N0M3B"] }),
    project_id: Type.String(),
    ...profileFields,
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "Profile" },
);

export const ProfilePage = PageOf(ProfileJson, "ProfilePage");

type SanRulesJson = Static<typeof SanRulesSchema>;

/** Body fields → service input; absent fields of a create body take the profile defaults. */
export function profileInputFromJson(
  body: Partial<Static<typeof UpdateProfileBody>>,
): Partial<ProfileInput> {
  const out: Partial<ProfileInput> = {};
  if (body.name !== undefined) out.name = body.name;
  if (body.description !== undefined) out.description = body.description;
  if (body.ca_id !== undefined) out.caId = body.ca_id;
  if (body.allowed_key_types !== undefined) out.allowedKeyTypes = body.allowed_key_types;
  if (body.default_key_type !== undefined) out.defaultKeyType = body.default_key_type;
  if (body.validity_days !== undefined) out.validityDays = body.validity_days;
  if (body.max_validity_days !== undefined) out.maxValidityDays = body.max_validity_days;
  if (body.key_usage !== undefined) out.keyUsage = body.key_usage;
  if (body.extended_key_usage !== undefined) out.extendedKeyUsage = body.extended_key_usage;
  if (body.subject_defaults !== undefined)
    out.subjectDefaults = subjectFromJson(body.subject_defaults);
  if (body.san_rules !== undefined) out.sanRules = sanRulesFromJson(body.san_rules);
  if (body.renewal_window_days !== undefined) out.renewalWindowDays = body.renewal_window_days;
  if (body.allow_key_download !== undefined) out.allowKeyDownload = body.allow_key_download;
  return out;
}

function sanRulesFromJson(json: SanRulesJson): ProfileInput["sanRules"] {
  return {
    ...(json.allowed_types ? { allowedTypes: json.allowed_types } : {}),
    ...(json.max_count !== undefined ? { maxCount: json.max_count } : {}),
    ...(json.required !== undefined ? { isRequired: json.required } : {}),
  };
}

export const PROFILE_DEFAULTS: ProfileInput = {
  name: "",
  description: "",
  caId: null,
  allowedKeyTypes: null,
  defaultKeyType: null,
  validityDays: 397,
  maxValidityDays: null,
  keyUsage: [],
  extendedKeyUsage: [],
  subjectDefaults: {},
  sanRules: {},
  renewalWindowDays: 30,
  allowKeyDownload: false,
};

export function profileJson(profile: Profile) {
  return {
    id: profile.id,
    project_id: profile.projectId,
    name: profile.name,
    description: profile.description,
    ca_id: profile.caId,
    allowed_key_types: profile.allowedKeyTypes,
    default_key_type: profile.defaultKeyType,
    validity_days: profile.validityDays,
    max_validity_days: profile.maxValidityDays,
    key_usage: profile.keyUsage,
    extended_key_usage: profile.extendedKeyUsage,
    subject_defaults: subjectJson(profile.subjectDefaults),
    san_rules: {
      ...(profile.sanRules.allowedTypes ? { allowed_types: profile.sanRules.allowedTypes } : {}),
      ...(profile.sanRules.maxCount !== undefined ? { max_count: profile.sanRules.maxCount } : {}),
      ...(profile.sanRules.isRequired !== undefined
        ? { required: profile.sanRules.isRequired }
        : {}),
    },
    renewal_window_days: profile.renewalWindowDays,
    allow_key_download: profile.allowKeyDownload,
    created_at: isoTime(profile.createdAt),
    updated_at: isoTime(profile.updatedAt),
  };
}

export const PolicyBody = Type.Object(
  {
    allowed_key_types: Type.Optional(
      Nullable(Type.Array(KeyTypeSchema, { minItems: 1, maxItems: 7, uniqueItems: true })),
    ),
    max_validity_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 36500 }))),
    allowed_domains: Type.Optional(
      Nullable(
        Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
          maxItems: 1000,
          description:
            '"example.com" allows it and every name below it; "*.example.com" only names below it; an IP address or CIDR block ("10.0.0.0/8") allows IP SANs. Applies to DNS SANs, e-mail domains, URI hosts and IP SANs.',
        }),
      ),
    ),
    allow_wildcards: Type.Optional(Type.Boolean({ default: true })),
    require_san: Type.Optional(Type.Boolean({ default: false })),
  },
  {
    additionalProperties: false,
    title: "ProjectPolicy",
    description: "Replaces the whole policy; a field left out (or null) allows anything.",
  },
);

export const PolicyJson = Type.Object(
  {
    allowed_key_types: Nullable(Type.Array(Type.String())),
    max_validity_days: Nullable(Type.Integer()),
    allowed_domains: Nullable(Type.Array(Type.String())),
    allow_wildcards: Type.Boolean(),
    require_san: Type.Boolean(),
    updated_at: Nullable(Type.String({ format: "date-time" })),
  },
  { title: "ProjectPolicyState" },
);

export function policyInputFromJson(body: Static<typeof PolicyBody>): PolicyInput {
  return {
    allowedKeyTypes: body.allowed_key_types ?? null,
    maxValidityDays: body.max_validity_days ?? null,
    allowedDomains: body.allowed_domains ?? null,
    allowWildcards: body.allow_wildcards ?? true,
    requireSan: body.require_san ?? false,
  };
}

export function policyJson(policy: ProjectPolicy) {
  return {
    allowed_key_types: policy.allowedKeyTypes,
    max_validity_days: policy.maxValidityDays,
    allowed_domains: policy.allowedDomains,
    allow_wildcards: policy.allowWildcards,
    require_san: policy.requireSan,
    updated_at: policy.updatedAt ? isoTime(policy.updatedAt) : null,
  };
}
