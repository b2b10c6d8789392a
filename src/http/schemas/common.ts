import { Type, type TSchema } from "typebox";

import { ERROR_CODES } from "../../lib/errors.js";

/** The native error shape (seed 004 §07). Registered once as a shared schema, referenced by id. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: "Stable, machine-readable code.",
        examples: Object.keys(ERROR_CODES),
      }),
      message: Type.String({ description: "For humans; wording may change." }),
      details: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
        description: "Structured context: failing fields, broken rules, limits.",
      }),
      request_id: Type.String({
        description: "Also in the X-Request-ID header and the audit log.",
      }),
    }),
  },
  { $id: "ErrorResponse", title: "ErrorResponse" },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request: invalid JSON, a bad field or value, or a bad cursor.",
  401: "No credentials, or expired ones.",
  403: "Authenticated, but not allowed.",
  404: "Not found, or not visible to you.",
  409: "Conflict with the current state, or an Idempotency-Key reused for another request.",
  413: "The body is larger than the server accepts.",
  415: "The body is not application/json.",
  422: "Well-formed but refused: a policy violation or a business rule.",
  429: "Rate limited; see Retry-After.",
  503: "Temporarily unavailable.",
};

/** Error responses every mutation can produce, whatever the route. */
const MUTATION_ERRORS = [400, 409, 413, 415] as const;

/** Response schemas for the listed statuses, all in the one error shape. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) {
    out[status] = Type.Ref("ErrorResponse", {
      description: ERROR_DESCRIPTIONS[status] ?? "Error.",
    });
  }
  return out;
}

export function mutationErrors(...extra: number[]): Record<number, TSchema> {
  return errorResponses(...MUTATION_ERRORS, ...extra);
}

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 500,
        default: 50,
        description: "Page size (default 50, max 500).",
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: "Opaque: the `next_cursor` of the previous page.",
      }),
    ),
  },
  { additionalProperties: false },
);

export function PageOf<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: "Pass as `cursor` for the next page; null when there are no more items.",
      }),
    },
    { title },
  );
}

export const IdParam = (name: string, example: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: "^[A-Za-z0-9_-]+$",
    examples: [example],
    description: `The ${name} id.`,
  });

/** Epoch-free timestamp rendering used by every API response. */
export function isoTime(date: Date): string {
  return date.toISOString();
}
