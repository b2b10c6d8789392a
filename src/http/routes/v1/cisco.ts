import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { CiscoService } from "../../../services/cisco/cisco.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  AddTrustEntryBody,
  Binary,
  EncryptConfigBody,
  FingerprintParams,
  ItlFileBody,
  ProjectOnly,
  SetSignerBody,
  SettingsJson,
  SignerJson,
  SignerParams,
  TrustEntryJson,
  TrustEntryPage,
  UpdateSettingsBody,
  settingsJson,
  signerJson,
  trustEntryJson,
} from "./cisco.schemas.js";

const tags = ["cisco"];
const base = "/api/v1/projects/:projectId/cisco";
const READ = { access: { permission: "cisco:read" } } as const;
const WRITE = { access: { permission: "cisco:write" } } as const;

/** The TVS trust list, the project's signers and settings, and the signed files (issue 6). */
export function ciscoRoutes(app: FastifyInstance, deps: { cisco: CiscoService }): void {
  const { cisco } = deps;

  app.get<{ Params: Static<typeof ProjectOnly>; Querystring: Static<typeof PageQuery> }>(
    `${base}/trust-entries`,
    {
      config: READ,
      schema: {
        summary: "List the TVS trust list",
        tags,
        params: ProjectOnly,
        querystring: PageQuery,
        response: { 200: TrustEntryPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const page = await cisco.trust.listEntries(
        actorOf(request),
        request.params.projectId,
        request.query,
      );
      return { items: page.items.map(trustEntryJson), next_cursor: page.nextCursor };
    },
  );

  app.post<{ Params: Static<typeof ProjectOnly>; Body: Static<typeof AddTrustEntryBody> }>(
    `${base}/trust-entries`,
    {
      config: WRITE,
      schema: {
        summary: "Add a certificate to the TVS trust list (and the ITL)",
        tags,
        params: ProjectOnly,
        body: AddTrustEntryBody,
        response: { 201: TrustEntryJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const entry = await cisco.trust.addEntry(actorOf(request), request.params.projectId, {
        certificate: request.body.certificate_pem,
        roles: request.body.roles,
        ttlSeconds: request.body.ttl_seconds,
        description: request.body.description,
      });
      return reply.code(201).send(trustEntryJson(entry));
    },
  );

  app.get<{ Params: Static<typeof FingerprintParams> }>(
    `${base}/trust-entries/:fingerprint`,
    {
      config: READ,
      schema: {
        summary: "Get a trust list entry by SHA-256 fingerprint",
        tags,
        params: FingerprintParams,
        response: { 200: TrustEntryJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      trustEntryJson(
        await cisco.trust.getEntry(
          actorOf(request),
          request.params.projectId,
          request.params.fingerprint,
        ),
      ),
  );

  app.delete<{ Params: Static<typeof FingerprintParams> }>(
    `${base}/trust-entries/:fingerprint`,
    {
      config: WRITE,
      schema: {
        summary: "Remove a trust list entry",
        tags,
        params: FingerprintParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await cisco.trust.deleteEntry(
        actorOf(request),
        request.params.projectId,
        request.params.fingerprint,
      );
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof ProjectOnly> }>(
    `${base}/signers`,
    {
      config: READ,
      schema: {
        summary: "List the project's SAST, TFTP and CAPF issuer signers",
        tags,
        params: ProjectOnly,
        response: {
          200: { type: "object", properties: { items: { type: "array", items: SignerJson } } },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => ({
      items: (await cisco.signers.listSigners(actorOf(request), request.params.projectId)).map(
        signerJson,
      ),
    }),
  );

  app.put<{ Params: Static<typeof SignerParams>; Body: Static<typeof SetSignerBody> }>(
    `${base}/signers/:purpose`,
    {
      config: WRITE,
      schema: {
        summary: "Set a signer from a PEM certificate and private key (the key goes into custody)",
        tags,
        params: SignerParams,
        body: SetSignerBody,
        response: { 200: SignerJson, ...mutationErrors(404, 422) },
      },
    },
    async (request) =>
      signerJson(
        await cisco.signers.setSigner(
          actorOf(request),
          request.params.projectId,
          request.params.purpose,
          {
            certificatePem: request.body.certificate_pem,
            privateKeyPem: request.body.private_key_pem,
          },
        ),
      ),
  );

  app.delete<{ Params: Static<typeof SignerParams> }>(
    `${base}/signers/:purpose`,
    {
      config: WRITE,
      schema: {
        summary: "Remove a signer and destroy its key",
        tags,
        params: SignerParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await cisco.signers.removeSigner(
        actorOf(request),
        request.params.projectId,
        request.params.purpose,
      );
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof ProjectOnly> }>(
    `${base}/settings`,
    {
      config: READ,
      schema: {
        summary: "Get the project's Cisco settings",
        tags,
        params: ProjectOnly,
        response: { 200: SettingsJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      settingsJson(await cisco.signers.getSettings(actorOf(request), request.params.projectId)),
  );

  app.patch<{ Params: Static<typeof ProjectOnly>; Body: Static<typeof UpdateSettingsBody> }>(
    `${base}/settings`,
    {
      config: WRITE,
      schema: {
        summary: "Change the project's Cisco settings",
        tags,
        params: ProjectOnly,
        body: UpdateSettingsBody,
        response: { 200: SettingsJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      settingsJson(
        await cisco.signers.updateSettings(actorOf(request), request.params.projectId, {
          lscValidityDays: request.body.lsc_validity_days,
          capfIssuerCaId: request.body.capf_issuer_ca_id,
        }),
      ),
  );

  app.post<{ Params: Static<typeof ProjectOnly>; Body: Static<typeof ItlFileBody> }>(
    `${base}/itl-file`,
    {
      config: WRITE,
      schema: {
        summary: "Build and sign an ITL or CTL file with the project's SAST signer",
        tags,
        params: ProjectOnly,
        body: ItlFileBody,
        produces: ["application/octet-stream"],
        response: { 200: Binary, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const file = await cisco.files.buildItl(actorOf(request), request.params.projectId, {
        certificates: request.body.certificates,
        digest: request.body.digest,
        signerVersion: request.body.signer_version,
        fileName: request.body.file_name,
      });
      return reply
        .type("application/octet-stream")
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        .send(Buffer.from(file.bytes));
    },
  );

  app.post<{ Params: Static<typeof ProjectOnly>; Body: Static<typeof EncryptConfigBody> }>(
    `${base}/encrypt-config`,
    {
      config: WRITE,
      schema: {
        summary: "Encrypt a phone config to SEP<MAC>.cnf.xml.enc.sgn (and store its stub)",
        tags,
        params: ProjectOnly,
        body: EncryptConfigBody,
        produces: ["application/octet-stream"],
        response: { 200: Binary, ...mutationErrors(404, 422) },
      },
    },
    async (request, reply) => {
      const files = await cisco.files.encryptConfig(actorOf(request), request.params.projectId, {
        deviceName: request.body.device_name,
        configXml: request.body.config_xml,
        digest: request.body.digest,
      });
      return reply
        .type("application/octet-stream")
        .header("content-disposition", `attachment; filename="${files.encrypted.fileName}"`)
        .send(Buffer.from(files.encrypted.bytes));
    },
  );
}
