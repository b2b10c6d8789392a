import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Static } from "typebox";

import type { CredentialsService } from "../../../services/csc/credentials.service.js";
import { actorOf, principalOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  CreateSigningCredentialBody,
  ProjectParams,
  SetCertificateBody,
  SigningCredentialJson,
  SigningCredentialPage,
  SigningCredentialParams,
  UpdateSigningCredentialBody,
  createdCredentialJson,
  signingCredentialJson,
} from "./signing-credentials.schemas.js";

const tags = ["signing-credentials"];
const BASE = "/api/v1/projects/:projectId/signing-credentials";

/** A self-service (peer) user reads only the credentials it owns. */
function ownerOnly(request: FastifyRequest): string | null {
  const principal = principalOf(request);
  return principal.kind === "user" && principal.orgRole === "peer" ? principal.userId : null;
}

/** Signing credentials for CSC remote signing (issue 7 §1; docs/csc.md). */
export function signingCredentialRoutes(
  app: FastifyInstance,
  deps: { credentials: CredentialsService },
): void {
  const { credentials } = deps;

  app.post<{
    Params: Static<typeof ProjectParams>;
    Body: Static<typeof CreateSigningCredentialBody>;
  }>(
    BASE,
    {
      config: { access: { permission: "signing:use" } },
      schema: {
        summary: "Create a signing credential (new key, or an imported certificate and key)",
        tags,
        params: ProjectParams,
        body: CreateSigningCredentialBody,
        response: { 201: SigningCredentialJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const created = await credentials.createCredential(
        actorOf(request),
        request.params.projectId,
        {
          name: body.name,
          description: body.description,
          ownerUserId: body.owner_user_id,
          caId: body.ca_id,
          keyType: body.key_type,
          keyBackend: body.key_backend,
          subject: body.subject && {
            ...(body.subject.common_name !== undefined
              ? { commonName: body.subject.common_name }
              : {}),
            ...(body.subject.organization !== undefined
              ? { organization: body.subject.organization }
              : {}),
            ...(body.subject.organizational_unit !== undefined
              ? { organizationalUnit: body.subject.organizational_unit }
              : {}),
            ...(body.subject.country !== undefined ? { country: body.subject.country } : {}),
            ...(body.subject.state !== undefined ? { state: body.subject.state } : {}),
            ...(body.subject.locality !== undefined ? { locality: body.subject.locality } : {}),
          },
          authMode: body.auth_mode,
          pin: body.pin,
          multisign: body.multisign,
          scal: body.scal,
          allowedAlgorithms: body.allowed_algorithms,
          certificate: body.certificate,
          chain: body.chain,
          privateKey: body.private_key,
        },
      );
      const { credential } = created;
      return reply
        .code(201)
        .header(
          "location",
          `/api/v1/projects/${credential.projectId}/signing-credentials/${credential.id}`,
        )
        .send(createdCredentialJson(created));
    },
  );

  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof PageQuery> }>(
    BASE,
    {
      config: { access: { permission: "signing:read", allowPeer: true } },
      schema: {
        summary: "List the project's signing credentials (a peer sees its own)",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: SigningCredentialPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const page = await credentials.listCredentials(
        actorOf(request),
        request.params.projectId,
        request.query,
        ownerOnly(request),
      );
      const now = new Date();
      return {
        items: page.items.map((c) => signingCredentialJson(c, now)),
        next_cursor: page.nextCursor,
      };
    },
  );

  app.get<{ Params: Static<typeof SigningCredentialParams> }>(
    `${BASE}/:credentialId`,
    {
      config: { access: { permission: "signing:read", allowPeer: true } },
      schema: {
        summary: "Get a signing credential",
        tags,
        params: SigningCredentialParams,
        response: { 200: SigningCredentialJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      signingCredentialJson(
        await credentials.getCredential(
          actorOf(request),
          request.params.projectId,
          request.params.credentialId,
          ownerOnly(request),
        ),
      ),
  );

  app.patch<{
    Params: Static<typeof SigningCredentialParams>;
    Body: Static<typeof UpdateSigningCredentialBody>;
  }>(
    `${BASE}/:credentialId`,
    {
      config: { access: { permission: "signing:use" } },
      schema: {
        summary: "Enable, disable, rename a credential, or set a new PIN (lifts a lock-out)",
        tags,
        params: SigningCredentialParams,
        body: UpdateSigningCredentialBody,
        response: { 200: SigningCredentialJson, ...mutationErrors(404) },
      },
    },
    async (request) => {
      const { body } = request;
      return signingCredentialJson(
        await credentials.updateCredential(
          actorOf(request),
          request.params.projectId,
          request.params.credentialId,
          {
            name: body.name,
            description: body.description,
            isEnabled: body.enabled,
            multisign: body.multisign,
            allowedAlgorithms: body.allowed_algorithms,
            pin: body.pin,
          },
        ),
      );
    },
  );

  app.put<{
    Params: Static<typeof SigningCredentialParams>;
    Body: Static<typeof SetCertificateBody>;
  }>(
    `${BASE}/:credentialId/certificate`,
    {
      config: { access: { permission: "signing:use" } },
      schema: {
        summary: "Attach the certificate (and chain) issued for the credential's key",
        tags,
        params: SigningCredentialParams,
        body: SetCertificateBody,
        response: { 200: SigningCredentialJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      signingCredentialJson(
        await credentials.setCertificate(
          actorOf(request),
          request.params.projectId,
          request.params.credentialId,
          request.body,
        ),
      ),
  );

  app.delete<{ Params: Static<typeof SigningCredentialParams> }>(
    `${BASE}/:credentialId`,
    {
      config: { access: { permission: "signing:use" } },
      schema: {
        summary: "Delete a signing credential and destroy its key",
        tags,
        params: SigningCredentialParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await credentials.deleteCredential(
        actorOf(request),
        request.params.projectId,
        request.params.credentialId,
      );
      return reply.code(204).send();
    },
  );
}
