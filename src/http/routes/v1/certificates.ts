import type { FastifyInstance, FastifyReply } from "fastify";
import type { Static } from "typebox";

import type { DownloadFile } from "../../../services/inventory/download.fns.js";
import type { ImportSource } from "../../../services/inventory/import.fns.js";
import type { InventoryService } from "../../../services/inventory/inventory.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import { IssuedCertificateJson, issuedCertificateJson } from "./certificates-issue.schemas.js";
import {
  BundleDownloadBody,
  CertificateDetailJson,
  CertificateListQuery,
  CertificatePage,
  CertificateParams,
  FileResponse,
  ImportBody,
  ImportResultJson,
  PublicDownloadQuery,
  RenewBody,
  certificateDetailJson,
  certificateJson,
  decodeBase64Field,
  filterOf,
} from "./certificates.schemas.js";
import { ProjectParams } from "./projects.schemas.js";

const tags = ["certificates"];
const BASE = "/api/v1/projects/:projectId/certificates";

function sendFile(reply: FastifyReply, file: DownloadFile) {
  return reply
    .type(file.contentType)
    .header("content-disposition", `attachment; filename="${file.fileName}"`)
    .header("cache-control", "no-store")
    .send(typeof file.body === "string" ? file.body : Buffer.from(file.body));
}

function importSources(body: Static<typeof ImportBody>): ImportSource[] {
  return body.items.map((item, index) => {
    if ("pkcs12" in item) {
      return {
        kind: "pkcs12",
        der: decodeBase64Field(item.pkcs12, `items.${index}.pkcs12`),
        password: item.password,
      };
    }
    if ("der" in item) {
      return { kind: "der", der: decodeBase64Field(item.der, `items.${index}.der`) };
    }
    return {
      kind: "pem",
      pem: item.pem,
      privateKeyPem: item.private_key,
      password: item.password,
    };
  });
}

/**
 * The certificate inventory (issue 4 §5–6): list, get, import, downloads. Issuance
 * (`POST …/certificates`) lives in certificates-issue.ts under the same prefix.
 */
export function certificateRoutes(
  app: FastifyInstance,
  deps: { inventory: InventoryService },
): void {
  const { inventory } = deps;
  const read = { access: { permission: "certificates:read" as const } };
  const write = { access: { permission: "certificates:write" as const } };

  app.get<{
    Params: Static<typeof ProjectParams>;
    Querystring: Static<typeof CertificateListQuery>;
  }>(
    BASE,
    {
      config: read,
      schema: {
        summary: "List certificates (filters, sorts, stable cursor pagination)",
        tags,
        params: ProjectParams,
        querystring: CertificateListQuery,
        response: { 200: CertificatePage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await inventory.listCertificates(actorOf(request), request.params.projectId, {
        filter: filterOf(query),
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        cursor: query.cursor,
      });
      return { items: page.items.map(certificateJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof CertificateParams> }>(
    `${BASE}/:certificateId`,
    {
      config: read,
      schema: {
        summary: "Get a certificate with its parsed details and chain",
        tags,
        params: CertificateParams,
        response: { 200: CertificateDetailJson, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { projectId, certificateId } = request.params;
      return certificateDetailJson(
        await inventory.getCertificate(actorOf(request), projectId, certificateId),
      );
    },
  );

  app.get<{
    Params: Static<typeof CertificateParams>;
    Querystring: Static<typeof PublicDownloadQuery>;
  }>(
    `${BASE}/:certificateId/download`,
    {
      config: read,
      schema: {
        summary: "Download the certificate (pem, der) or it with its chain (no private key)",
        tags,
        params: CertificateParams,
        querystring: PublicDownloadQuery,
        response: {
          200: FileResponse("The certificate file.", [
            "application/x-pem-file",
            "application/pkix-cert",
          ]),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { projectId, certificateId } = request.params;
      const file = await inventory.downloadPublic(
        actorOf(request),
        projectId,
        certificateId,
        request.query.format,
      );
      return sendFile(reply, file);
    },
  );

  app.post<{ Params: Static<typeof CertificateParams>; Body: Static<typeof BundleDownloadBody> }>(
    `${BASE}/:certificateId/download`,
    {
      // The response may hold a private key: never kept for Idempotency-Key replays.
      config: { ...write, idempotency: false },
      schema: {
        summary: "Download as PKCS#12, JKS or zip, with the private key when held here",
        tags,
        params: CertificateParams,
        body: BundleDownloadBody,
        response: {
          200: FileResponse("The key store or archive.", [
            "application/x-pkcs12",
            "application/octet-stream",
            "application/zip",
          ]),
          ...mutationErrors(404, 422),
        },
      },
    },
    async (request, reply) => {
      const { projectId, certificateId } = request.params;
      const { format, password, include_private_key } = request.body;
      const file = await inventory.downloadBundle(actorOf(request), projectId, certificateId, {
        format,
        password,
        includePrivateKey: include_private_key,
      });
      return sendFile(reply, file);
    },
  );

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof ImportBody> }>(
    `${BASE}/import`,
    {
      config: write,
      schema: {
        summary: "Import existing certificates (PEM bundles, DER, PKCS#12), in bulk",
        tags,
        params: ProjectParams,
        body: ImportBody,
        response: { 201: ImportResultJson, 200: ImportResultJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const result = await inventory.importCertificates(
        actorOf(request),
        request.params.projectId,
        importSources(request.body),
      );
      return reply.code(result.imported.length > 0 ? 201 : 200).send({
        items: result.imported.map(certificateJson),
        existing: result.existing.map((e) => ({
          id: e.id,
          fingerprint_sha256: e.fingerprintSha256,
        })),
      });
    },
  );

  app.post<{ Params: Static<typeof CertificateParams>; Body: Static<typeof RenewBody> }>(
    `${BASE}/:certificateId/renew`,
    {
      config: write,
      schema: {
        summary: "Renew: a successor from the same CA and profile, with a new or the same key",
        tags,
        params: CertificateParams,
        body: RenewBody,
        response: { 201: IssuedCertificateJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const { projectId, certificateId } = request.params;
      const body = request.body;
      const issued = await inventory.renewCertificate(actorOf(request), projectId, certificateId, {
        key: body.key,
        csr: body.csr,
        validityDays: body.validity_days,
      });
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${projectId}/certificates/${issued.id}`)
        .send(issuedCertificateJson(issued));
    },
  );
}
