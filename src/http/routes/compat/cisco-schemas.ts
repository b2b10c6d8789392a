/** Request schemas of the UseCallManager compat routes (seed 000): shapes and bounds only. */

import { Type } from "typebox";

const PEM = Type.String({ minLength: 1, maxLength: 65_536 });

export const DeviceName = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const DeviceListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const Operation = Type.Union([
  Type.Literal("install"),
  Type.Literal("fetch"),
  Type.Literal("delete"),
  Type.Literal("none"),
]);

export const Authentication = Type.Union([
  Type.Literal("none"),
  Type.Literal("password"),
  Type.Literal("certificate"),
]);

export const KeyType = Type.Union([Type.Literal("RSA"), Type.Literal("EC")]);

export const CreateDeviceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, examples: ["SEP001122334455"] }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    operation: Type.Optional(Operation),
    authentication: Type.Optional(Authentication),
    password: Type.Optional(Type.String({ maxLength: 64 })),
    key_type: Type.Optional(KeyType),
    key_size: Type.Optional(Type.Integer()),
    curve: Type.Optional(Type.String({ maxLength: 32 })),
    certificate: Type.Optional(PEM),
  },
  { additionalProperties: false },
);

export const OperationBody = Type.Object({ operation: Operation }, { additionalProperties: false });

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
    signer: Type.Optional(
      Type.Object({ certificate_pem: PEM, private_key_pem: PEM }, { additionalProperties: false }),
    ),
    digest: Type.Optional(Type.Union([Type.Literal("SHA-1"), Type.Literal("SHA-512")])),
    signer_version: Type.Optional(Type.Union([Type.Literal("1.0"), Type.Literal("1.1")])),
  },
  { additionalProperties: false },
);

export const EncryptConfigBody = Type.Object(
  {
    device_name: Type.String({ minLength: 1, maxLength: 64 }),
    config_xml: Type.String({ minLength: 1, maxLength: 262_144 }),
    digest: Type.Optional(Type.Union([Type.Literal("SHA-1"), Type.Literal("SHA-512")])),
  },
  { additionalProperties: false },
);

export const TrustListQuery = DeviceListQuery;

export const TrustAddBody = Type.Object(
  {
    pem: PEM,
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 7 }),
    ttl: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Fingerprint = Type.Object(
  { fingerprint: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
