import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { AppError, validationFailed } from "../../../lib/errors.js";
import { encodePem } from "../../../pki/pem.js";
import type { InventoryService } from "../../../services/inventory/inventory.service.js";
import type { IssuanceService } from "../../../services/issuance/issuance.service.js";
import type {
  IssueCertificateRequest,
  KeySource,
} from "../../../services/issuance/issuance.types.js";
import type { ProfilesService } from "../../../services/profiles/profiles.service.js";
import type { ProjectsService } from "../../../services/projects/projects.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import { compatProject } from "./compat-project.js";
import {
  CertificatesJson,
  GenerateBody,
  GeneratedJson,
  GetCertificatesBody,
  detailJson,
  generatedJson,
  inventoryJson,
} from "./sectrail.schemas.js";

const tags = ["compat: SecTrail CM (seed 002)"];

export interface SectrailDeps {
  issuance: Pick<IssuanceService, "issueCertificate">;
  inventory: Pick<InventoryService, "listCertificates" | "getCertificate" | "downloadBundle">;
  projects: Pick<ProjectsService, "getProject" | "listProjects">;
  profiles: Pick<ProfilesService, "getProfile">;
}

type GenerateJson = Static<typeof GenerateBody>;

function required(body: GenerateJson, field: keyof GenerateJson, why: string): void {
  if (body[field] === undefined) {
    throw validationFailed(`"${field}" is required ${why}.`, [{ field, reason: "required" }]);
  }
}

function refused(body: GenerateJson, fields: (keyof GenerateJson)[], why: string): void {
  for (const field of fields) {
    if (body[field] !== undefined) {
      throw validationFailed(`"${field}" does not apply ${why}.`, [
        { field, reason: "not_allowed" },
      ]);
    }
  }
}

/** Seed 002's `requestType` → the one issuance request (shape checks only; rules are issuance's). */
function issueRequestOf(projectId: string, body: GenerateJson): IssueCertificateRequest {
  const generated: KeySource = { kind: "generate", keyType: body.keyType };
  const common = {
    projectId,
    subject: body.subject,
    sans: body.sans,
    validityDays: body.validityDays,
  };
  switch (body.requestType) {
    case "csr":
      required(body, "csr", 'for requestType "csr"');
      refused(body, ["keyType", "password"], "to a CSR (the key is the requester's)");
      return {
        ...common,
        caId: body.caId,
        profileId: body.templateId,
        key: { kind: "csr", csr: body.csr! },
      };
    case "self-signed":
      refused(body, ["caId", "templateId", "csr", "password"], "to a self-signed certificate");
      return { ...common, selfSigned: true, key: generated };
    case "template":
      required(body, "templateId", 'for requestType "template"');
      refused(body, ["password"], 'to requestType "template" (use "jks" for a key store)');
      return {
        ...common,
        caId: body.caId,
        profileId: body.templateId,
        key: body.csr === undefined ? generated : { kind: "csr", csr: body.csr },
      };
    case "jks":
      required(body, "password", 'for requestType "jks"');
      refused(body, ["csr"], "to a key store (its key is made here)");
      return { ...common, caId: body.caId, profileId: body.templateId, key: generated };
  }
}

/**
 * Seed 002 (SecTrail CM) compatibility: `POST /api/generate` (CSR signing, self-signed,
 * template-based, JKS) and `POST /api/getCertificates` (bulk list, details, status) over the
 * native issuance and inventory services, with Bearer API keys. The seed documents status codes
 * but no error body, so errors keep the native shape and statuses.
 */
export function sectrailRoutes(app: FastifyInstance, deps: SectrailDeps): void {
  const { issuance, inventory, projects, profiles } = deps;

  app.post<{ Body: GenerateJson }>(
    "/api/generate",
    {
      // A jks response holds a private key: never stored for Idempotency-Key replays.
      config: { access: { permission: "certificates:write" }, idempotency: false },
      schema: {
        summary: "Generate a certificate (requestType: csr, self-signed, template, jks)",
        tags,
        body: GenerateBody,
        response: { 201: GeneratedJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const actor = actorOf(request);
      const projectId = await compatProject(
        request,
        projects,
        "certificates:write",
        body.projectId,
        "projectId",
      );
      const issueRequest = issueRequestOf(projectId, body);
      if (body.requestType === "jks" && body.templateId !== undefined) {
        // Refuse before issuing: a profile that keeps keys in custody cannot yield a key store.
        const profile = await profiles.getProfile(actor, projectId, body.templateId);
        if (!profile.allowKeyDownload) {
          throw new AppError("unprocessable", {
            message: `Profile "${profile.name}" does not allow key downloads, so it cannot make a JKS; use requestType "template".`,
            details: [{ field: "templateId", reason: "key_not_downloadable" }],
          });
        }
      }
      const issued = await issuance.issueCertificate(actor, issueRequest);
      let keystore: Uint8Array | null = null;
      if (body.requestType === "jks") {
        const file = await inventory.downloadBundle(actor, projectId, issued.id, {
          format: "jks",
          password: body.password,
          includePrivateKey: true,
        });
        keystore = typeof file.body === "string" ? Buffer.from(file.body) : file.body;
      }
      return reply.code(201).send(generatedJson(body.requestType, issued, keystore));
    },
  );

  app.post<{ Body: Static<typeof GetCertificatesBody> }>(
    "/api/getCertificates",
    {
      // A read carried in a POST body (as the seed defines it): no audit, no idempotency.
      config: { access: { permission: "certificates:read" }, idempotency: false },
      schema: {
        summary: "Query the inventory: a filtered list, or details of given certificates",
        tags,
        body: GetCertificatesBody,
        response: { 200: CertificatesJson, ...errorResponses(400, 404, 415) },
      },
    },
    async (request) => {
      const body = request.body;
      const actor = actorOf(request);
      const projectId = await compatProject(
        request,
        projects,
        "certificates:read",
        body.projectId,
        "projectId",
      );
      if (body.certificateIds) {
        const certificates = [];
        for (const id of body.certificateIds) {
          const details = await inventory.getCertificate(actor, projectId, id);
          certificates.push(detailJson(details, encodePem("CERTIFICATE", details.info.der)));
        }
        return { certificates, nextCursor: null };
      }
      const page = await inventory.listCertificates(actor, projectId, {
        filter: {
          statuses: body.status,
          issuerTypes: body.issuerType,
          expiringWithinDays: body.expiringWithinDays,
          caIds: body.caId === undefined ? undefined : [body.caId],
          profileIds: body.templateId === undefined ? undefined : [body.templateId],
          q: body.q,
        },
        sort: body.sort,
        order: body.order,
        limit: body.limit,
        cursor: body.cursor,
      });
      return { certificates: page.items.map(inventoryJson), nextCursor: page.nextCursor };
    },
  );
}
