import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { Clock } from "../../../lib/clock.js";
import type { ApiKeysService } from "../../../services/identity/api-keys.service.js";
import { principalOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import {
  ApiKeyJson,
  ApiKeyPage,
  ApiKeyParams,
  ApiKeyQuery,
  ApiKeyWithSecretJson,
  CreateApiKeyBody,
  UpdateApiKeyBody,
  apiKeyJson,
  summaryJson,
} from "./identity.schemas.js";

const tags = ["api-keys"];
/** Anyone signed in manages their own keys; users:admin manages all. A key grants at most what its creator holds. */
const access = { permission: "signed_in" } as const;

/** API keys for machines (seed 001): scopes, expiry, rate limits, IP allow-lists, usage. */
export function apiKeyRoutes(
  app: FastifyInstance,
  deps: { apiKeys: ApiKeysService; clock: Clock },
): void {
  const { apiKeys, clock } = deps;

  app.post<{ Body: Static<typeof CreateApiKeyBody> }>(
    "/api/v1/api-keys",
    {
      // The response holds the secret: it must never be stored for idempotent replay.
      config: { access, idempotency: false },
      schema: {
        summary: "Create an API key (the secret is in this response only)",
        tags,
        body: CreateApiKeyBody,
        response: { 201: ApiKeyWithSecretJson, ...mutationErrors() },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await apiKeys.create(principalOf(request), {
        name: body.name,
        description: body.description,
        expires: body.expires,
        permissions: body.permissions,
        projectIds: body.project_ids,
        rateLimit: body.rate_limit,
        ipAllowlist: body.ip_allowlist,
      });
      return reply
        .code(201)
        .header("location", `/api/v1/api-keys/${created.apiKey.id}`)
        .header("cache-control", "no-store")
        .send({ ...apiKeyJson(created.apiKey, clock.now()), key: created.key });
    },
  );

  app.get<{ Querystring: Static<typeof ApiKeyQuery> }>(
    "/api/v1/api-keys",
    {
      config: { access },
      schema: {
        summary: "List API keys with usage summary (search, status, permission, last use)",
        tags,
        querystring: ApiKeyQuery,
        response: { 200: ApiKeyPage, ...errorResponses(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await apiKeys.list(
        principalOf(request),
        {
          q: q.q,
          status: q.status,
          permission: q.permission,
          usedSince: q.last_used_since === undefined ? undefined : new Date(q.last_used_since),
          neverUsed: q.never_used,
        },
        { limit: q.limit, cursor: q.cursor },
      );
      const now = clock.now();
      return {
        items: page.items.map((k) => apiKeyJson(k, now)),
        next_cursor: page.nextCursor,
        summary: summaryJson(page.summary),
      };
    },
  );

  app.get<{ Params: Static<typeof ApiKeyParams> }>(
    "/api/v1/api-keys/:keyId",
    {
      config: { access },
      schema: {
        summary: "Get an API key (never its secret)",
        tags,
        params: ApiKeyParams,
        response: { 200: ApiKeyJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      apiKeyJson(await apiKeys.get(principalOf(request), request.params.keyId), clock.now()),
  );

  app.patch<{ Params: Static<typeof ApiKeyParams>; Body: Static<typeof UpdateApiKeyBody> }>(
    "/api/v1/api-keys/:keyId",
    {
      config: { access },
      schema: {
        summary:
          "Change an API key's name, description, permissions, projects, limit or allow-list",
        tags,
        params: ApiKeyParams,
        body: UpdateApiKeyBody,
        response: { 200: ApiKeyJson, ...mutationErrors(404) },
      },
    },
    async (request) => {
      const body = request.body;
      const key = await apiKeys.update(principalOf(request), request.params.keyId, {
        name: body.name,
        description: body.description,
        permissions: body.permissions,
        projectIds: body.project_ids,
        rateLimit: body.rate_limit,
        ipAllowlist: body.ip_allowlist,
      });
      return apiKeyJson(key, clock.now());
    },
  );

  app.post<{ Params: Static<typeof ApiKeyParams> }>(
    "/api/v1/api-keys/:keyId/regenerate",
    {
      config: { access, idempotency: false },
      schema: {
        summary: "Replace the secret (the old one stops working at once)",
        tags,
        params: ApiKeyParams,
        response: { 200: ApiKeyWithSecretJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const result = await apiKeys.regenerate(principalOf(request), request.params.keyId);
      return reply
        .header("cache-control", "no-store")
        .send({ ...apiKeyJson(result.apiKey, clock.now()), key: result.key });
    },
  );

  app.post<{ Params: Static<typeof ApiKeyParams> }>(
    "/api/v1/api-keys/:keyId/revoke",
    {
      config: { access },
      schema: {
        summary: "Revoke an API key (it stops working at once; 409 if already revoked)",
        tags,
        params: ApiKeyParams,
        response: { 200: ApiKeyJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      apiKeyJson(await apiKeys.revoke(principalOf(request), request.params.keyId), clock.now()),
  );

  app.delete<{ Params: Static<typeof ApiKeyParams> }>(
    "/api/v1/api-keys/:keyId",
    {
      config: { access },
      schema: {
        summary: "Delete an API key and its usage record",
        tags,
        params: ApiKeyParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await apiKeys.remove(principalOf(request), request.params.keyId);
      return reply.code(204).send();
    },
  );
}
