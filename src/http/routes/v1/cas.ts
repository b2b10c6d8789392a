import type { FastifyInstance, FastifyReply } from "fastify";
import type { Static } from "typebox";

import type { CasService } from "../../../services/cas/cas.service.js";
import type { Ca } from "../../../services/cas/cas.types.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  CaDownloadQuery,
  CaJson,
  CaPage,
  CaParams,
  caJson,
  CreateCaBody,
  ImportCaBody,
  ProjectParams,
  UpdateCaBody,
  UploadCaCertificateBody,
} from "./cas.schemas.js";
import { FileResponse } from "./certificates.schemas.js";
import { subjectFromJson } from "./pki.schemas.js";

const tags = ["cas"];
const BASE = "/api/v1/projects/:projectId/cas";

/** Certificate authorities of a project (issue 4 §3; docs/cas.md). */
export function caRoutes(app: FastifyInstance, deps: { cas: CasService }): void {
  const { cas } = deps;
  const json = (ca: Ca) => caJson(ca, cas.urlsOf(ca.id));
  const created = (reply: FastifyReply, ca: Ca) =>
    reply
      .code(201)
      .header("location", `/api/v1/projects/${ca.projectId}/cas/${ca.id}`)
      .send(json(ca));

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof CreateCaBody> }>(
    BASE,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Create a root or intermediate CA",
        tags,
        params: ProjectParams,
        body: CreateCaBody,
        response: { 201: CaJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const ca = await cas.createCa(actorOf(request), request.params.projectId, {
        name: body.name,
        type: body.type,
        parentCaId: body.parent_ca_id,
        subject: subjectFromJson(body.subject),
        keyType: body.key_type,
        keyBackend: body.key_backend,
        validityDays: body.validity_days,
        pathLength: body.path_length,
        nameConstraints: body.name_constraints,
      });
      return created(reply, ca);
    },
  );

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof ImportCaBody> }>(
    `${BASE}/import`,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Import an existing CA (certificate and key, or certificate only)",
        tags,
        params: ProjectParams,
        body: ImportCaBody,
        response: { 201: CaJson, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const ca = await cas.importCa(actorOf(request), request.params.projectId, {
        name: body.name,
        certificate: body.certificate,
        chain: body.chain,
        privateKey: body.private_key,
        privateKeyPassword: body.private_key_password,
        keyBackend: body.key_backend,
      });
      return created(reply, ca);
    },
  );

  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof PageQuery> }>(
    BASE,
    {
      config: { access: { permission: "cas:read" } },
      schema: {
        summary: "List a project's CAs",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: CaPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const page = await cas.listCas(actorOf(request), request.params.projectId, request.query);
      return { items: page.items.map(json), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof CaParams> }>(
    `${BASE}/:caId`,
    {
      config: { access: { permission: "cas:read" } },
      schema: {
        summary: "Get a CA",
        tags,
        params: CaParams,
        response: { 200: CaJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      json(await cas.getCa(actorOf(request), request.params.projectId, request.params.caId)),
  );

  app.patch<{ Params: Static<typeof CaParams>; Body: Static<typeof UpdateCaBody> }>(
    `${BASE}/:caId`,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Rename, disable or enable a CA",
        tags,
        params: CaParams,
        body: UpdateCaBody,
        response: { 200: CaJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      json(
        await cas.updateCa(actorOf(request), request.params.projectId, request.params.caId, {
          name: request.body.name,
          status: request.body.status,
        }),
      ),
  );

  app.post<{ Params: Static<typeof CaParams>; Body: Static<typeof UploadCaCertificateBody> }>(
    `${BASE}/:caId/certificate`,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Upload the signed certificate of a pending intermediate",
        tags,
        params: CaParams,
        body: UploadCaCertificateBody,
        response: { 200: CaJson, ...mutationErrors(404, 422) },
      },
    },
    async (request) =>
      json(
        await cas.uploadCaCertificate(
          actorOf(request),
          request.params.projectId,
          request.params.caId,
          { certificate: request.body.certificate, chain: request.body.chain },
        ),
      ),
  );

  app.get<{ Params: Static<typeof CaParams>; Querystring: Static<typeof CaDownloadQuery> }>(
    `${BASE}/:caId/download`,
    {
      config: { access: { permission: "cas:read" } },
      schema: {
        summary: "Download a CA certificate, its chain, or its pending CSR",
        tags,
        params: CaParams,
        querystring: CaDownloadQuery,
        response: {
          200: FileResponse("The CA certificate, its chain, or its CSR.", [
            "application/x-pem-file",
            "application/pkix-cert",
            "application/pkcs7-mime",
            "application/pkcs10",
          ]),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { projectId, caId } = request.params;
      const file = await cas.downloadCa(actorOf(request), projectId, caId, request.query.format);
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        .send(typeof file.body === "string" ? file.body : Buffer.from(file.body));
    },
  );
}
