import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type, type Static } from "typebox";

import { notFound, validationFailed } from "../../../lib/errors.js";
import { encodePem } from "../../../pki/pem.js";
import { KEY_TYPES } from "../../../pki/signer.js";
import type { CasService } from "../../../services/cas/cas.service.js";
import type { Ca } from "../../../services/cas/cas.types.js";
import type { InventoryService } from "../../../services/inventory/inventory.service.js";
import type { IssuanceService } from "../../../services/issuance/issuance.service.js";
import type { ProjectsService } from "../../../services/projects/projects.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, isoTime, mutationErrors } from "../../schemas/common.js";

import { compatProject } from "./compat-project.js";

// Seed 003's vault: certificate issue and CA certificate download, over the native CA, issuance
// and inventory services. Session cookie + X-CSRF-Token (or an API key) as on every /api/*
// path of the seed; it documents no error body, so errors keep the native shape and statuses.
const tags = ["compat: cell appliance (seed 003)"];

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });

const VaultIssueBody = Type.Object(
  {
    project_id: Type.Optional(Id),
    ca_id: Type.Optional(Id),
    profile_id: Type.Optional(Id),
    common_name: Type.String({ minLength: 1, maxLength: 64 }),
    sans: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 100 }),
    ),
    key_type: Type.Optional(Type.Union(KEY_TYPES.map((k) => Type.Literal(k)))),
    validity_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
    csr: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
    password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: "With a key made here: also return it as a PKCS#12 under this password.",
      }),
    ),
  },
  { additionalProperties: false, title: "VaultIssue" },
);

const VaultCertificateJson = Type.Object(
  {
    id: Type.String(),
    common_name: Type.String(),
    serial_number: Type.String(),
    ca_id: Type.Union([Type.String(), Type.Null()]),
    not_before: Type.String({ format: "date-time" }),
    expires_at: Type.String({ format: "date-time" }),
    certificate: Type.String({ description: "PEM." }),
    chain: Type.String({ description: "PEM issuers, nearest first." }),
    pkcs12: Type.Optional(Type.String({ description: "base64 PKCS#12 with the key (if asked)." })),
  },
  { title: "VaultCertificate" },
);

const VaultCaQuery = Type.Object(
  {
    project_id: Type.Optional(Id),
    ca_id: Type.Optional(Id),
    format: Type.Optional(
      Type.Union([Type.Literal("pem"), Type.Literal("der"), Type.Literal("chain")], {
        default: "pem",
        description: "pem or der: the CA certificate; chain: it and the CAs above it (PEM).",
      }),
    ),
  },
  { additionalProperties: false },
);

export interface CellVaultDeps {
  issuance: Pick<IssuanceService, "issueCertificate">;
  inventory: Pick<InventoryService, "downloadBundle">;
  cas: Pick<CasService, "getCa" | "listCas">;
  projects: Pick<ProjectsService, "getProject" | "listProjects">;
}

const usable = (ca: Ca) => ca.status === "active" && ca.certificateDer !== null;

export function cellVaultRoutes(app: FastifyInstance, deps: CellVaultDeps): void {
  const { issuance, inventory, cas, projects } = deps;

  /** The named CA, or the project's one active CA (the appliance has one). */
  async function vaultCa(request: FastifyRequest, projectId: string, caId: string | undefined) {
    const actor = actorOf(request);
    if (caId !== undefined) return cas.getCa(actor, projectId, caId);
    const candidates = (await cas.listCas(actor, projectId, { limit: 500 })).items.filter(usable);
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw notFound("CA");
    throw validationFailed('This project has several CAs: name one in "ca_id".', [
      { field: "ca_id", reason: "required", ca_ids: candidates.map((c) => c.id) },
    ]);
  }

  app.post<{ Body: Static<typeof VaultIssueBody> }>(
    "/api/vault/certificates",
    {
      // With `password` the response holds a key: never stored for Idempotency-Key replays.
      config: { access: { permission: "certificates:write" }, idempotency: false },
      schema: {
        summary: "Vault: issue a certificate from the appliance CA",
        tags,
        body: VaultIssueBody,
        response: { 201: VaultCertificateJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const actor = actorOf(request);
      if (body.csr !== undefined && (body.key_type !== undefined || body.password !== undefined)) {
        throw validationFailed("With a csr the key is yours: leave key_type and password out.", [
          { field: "csr" },
        ]);
      }
      const projectId = await compatProject(
        request,
        projects,
        "certificates:write",
        body.project_id,
        "project_id",
      );
      const caId =
        body.profile_id !== undefined && body.ca_id === undefined
          ? undefined
          : (await vaultCa(request, projectId, body.ca_id)).id;
      const issued = await issuance.issueCertificate(actor, {
        projectId,
        caId,
        profileId: body.profile_id,
        subject: { commonName: body.common_name },
        sans: body.sans,
        validityDays: body.validity_days,
        key:
          body.csr === undefined
            ? { kind: "generate", keyType: body.key_type }
            : { kind: "csr", csr: body.csr },
      });
      const pkcs12 =
        body.password === undefined
          ? null
          : await inventory.downloadBundle(actor, projectId, issued.id, {
              format: "p12",
              password: body.password,
              includePrivateKey: true,
            });
      return reply.code(201).send({
        id: issued.id,
        common_name: issued.commonName,
        serial_number: issued.serialNumber,
        ca_id: issued.caId,
        not_before: isoTime(issued.notBefore),
        expires_at: isoTime(issued.expiresAt),
        certificate: issued.certificatePem,
        chain: issued.chainPem,
        ...(pkcs12 ? { pkcs12: Buffer.from(pkcs12.body).toString("base64") } : {}),
      });
    },
  );

  app.get<{ Querystring: Static<typeof VaultCaQuery> }>(
    "/api/vault/ca",
    {
      config: { access: { permission: "cas:read" } },
      schema: {
        summary: "Vault: download the CA certificate",
        tags,
        querystring: VaultCaQuery,
        response: {
          200: {
            description: "The CA certificate.",
            content: {
              "application/x-pem-file": { schema: { type: "string" } },
              "application/pkix-cert": { schema: { type: "string", format: "binary" } },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { project_id: requested, ca_id: caId, format = "pem" } = request.query;
      const projectId = await compatProject(request, projects, "cas:read", requested, "project_id");
      const ca = await vaultCa(request, projectId, caId);
      if (ca.certificateDer === null) throw notFound("CA certificate", ca.id);
      const der = ca.certificateDer;
      const pem = encodePem("CERTIFICATE", der);
      const file =
        format === "der"
          ? { body: Buffer.from(der), type: "application/pkix-cert", name: "ca.cer" }
          : {
              body: format === "chain" ? pem + ca.chainPem : pem,
              type: "application/x-pem-file",
              name: format === "chain" ? "ca-chain.pem" : "ca.pem",
            };
      return reply
        .type(file.type)
        .header("content-disposition", `attachment; filename="${file.name}"`)
        .send(file.body);
    },
  );
}
