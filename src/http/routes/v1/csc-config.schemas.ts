import { Type } from "typebox";

import type { CscConfig } from "../../../services/csc/csc.types.js";
import { isoTime } from "../../schemas/common.js";

export const CscConfigJson = Type.Object(
  {
    name: Type.String(),
    region: Type.String({ description: "ISO 3166-1 alpha-2." }),
    lang: Type.String({ description: "RFC 5646." }),
    description: Type.String(),
    auth_types: Type.Array(Type.String()),
    logo_url: Type.Union([Type.String(), Type.Null()]),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "CscConfig" },
);

export const UpdateCscConfigBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    region: Type.Optional(Type.String({ pattern: "^[A-Z]{2}$" })),
    lang: Type.Optional(Type.String({ minLength: 2, maxLength: 35 })),
    description: Type.Optional(Type.String({ maxLength: 255 })),
    auth_types: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 })),
    logo: Type.Optional(
      Type.Union([Type.String({ maxLength: 400000 }), Type.Null()], {
        description: "Base64 of a PNG or JPEG of at most 256×256 pixels; null removes it.",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: "UpdateCscConfig" },
);

export function cscConfigJson(config: CscConfig, logoUrl: string) {
  return {
    name: config.name,
    region: config.region,
    lang: config.lang,
    description: config.description,
    auth_types: config.authTypes,
    logo_url: config.hasLogo ? logoUrl : null,
    updated_at: isoTime(config.updatedAt),
  };
}
