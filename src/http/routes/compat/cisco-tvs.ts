/**
 * UseCallManager's TVS REST API (seed 000) at `/api/tvs/api/v1`: the trust list the TVS server
 * answers from (spec §6), with `{"detail"}` errors.
 */

import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { compatTrustJson } from "./cisco-json.js";
import { Fingerprint, TrustAddBody, TrustListQuery } from "./cisco-schemas.js";
import {
  type CiscoCompatDeps,
  ciscoContext,
  healthRoute,
  READ,
  setUpCiscoScope,
  WRITE,
} from "./cisco-scope.js";

export async function ciscoTvsRoutes(app: FastifyInstance, deps: CiscoCompatDeps): Promise<void> {
  const { cisco } = deps;
  await app.register(
    (scope, _options, done) => {
      setUpCiscoScope(scope, {
        cisco,
        trustedNetworks: deps.trustedNetworks,
        title: "TVS",
        version: deps.version,
        prefix: "/api/tvs",
      });
      const v1 = "/api/v1";

      scope.get<{ Querystring: Static<typeof TrustListQuery> }>(
        `${v1}/certificates`,
        {
          config: READ,
          schema: { summary: "List the trust list", hide: true, querystring: TrustListQuery },
        },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          const limit = request.query.limit ?? 100;
          const offset = request.query.offset ?? 0;
          const page = await cisco.trust.listEntriesByOffset(actor, projectId, limit, offset);
          return {
            certificates: page.items.map(compatTrustJson),
            total: page.total,
            limit,
            offset,
          };
        },
      );

      scope.post<{ Body: Static<typeof TrustAddBody> }>(
        `${v1}/certificates`,
        {
          config: WRITE,
          schema: {
            summary: "Add a certificate to the trust list",
            hide: true,
            body: TrustAddBody,
          },
        },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          const entry = await cisco.trust.addEntry(actor, projectId, {
            certificate: request.body.pem,
            roles: request.body.roles,
            ttlSeconds: request.body.ttl,
            description: request.body.description,
          });
          return reply.code(201).send(compatTrustJson(entry));
        },
      );

      scope.get<{ Params: Static<typeof Fingerprint> }>(
        `${v1}/certificates/:fingerprint`,
        {
          config: READ,
          schema: { summary: "Get a trust list entry", hide: true, params: Fingerprint },
        },
        async (request) => {
          const { actor, projectId } = ciscoContext(request);
          return compatTrustJson(
            await cisco.trust.getEntry(actor, projectId, request.params.fingerprint),
          );
        },
      );

      scope.delete<{ Params: Static<typeof Fingerprint> }>(
        `${v1}/certificates/:fingerprint`,
        {
          config: WRITE,
          schema: { summary: "Remove a trust list entry", hide: true, params: Fingerprint },
        },
        async (request, reply) => {
          const { actor, projectId } = ciscoContext(request);
          await cisco.trust.deleteEntry(actor, projectId, request.params.fingerprint);
          return reply.code(204).send();
        },
      );

      healthRoute(scope, deps.health);

      scope.get(
        `${v1}/stats`,
        { config: READ, schema: { summary: "Service statistics", hide: true } },
        async (request) => {
          const { projectId } = ciscoContext(request);
          return { trust_list_entries: await cisco.trust.countEntries(projectId) };
        },
      );
      done();
    },
    { prefix: "/api/tvs" },
  );
}
