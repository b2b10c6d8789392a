import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { ProfilesService } from "../../../services/profiles/profiles.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import { ProjectParams } from "./cas.schemas.js";
import {
  CreateProfileBody,
  PROFILE_DEFAULTS,
  ProfileJson,
  ProfilePage,
  ProfileParams,
  UpdateProfileBody,
  profileInputFromJson,
  profileJson,
} from "./profiles.schemas.js";

const BASE = "/api/v1/projects/:projectId/profiles";

/**
 * Issuance profiles (issue 4 §4; docs/cas.md). Reading them needs certificates:read (issuers
 * need to see the rules); changing them is CA administration (cas:write).
 */
export function profileRoutes(app: FastifyInstance, deps: { profiles: ProfilesService }): void {
  const { profiles } = deps;
  const tags = ["profiles"];

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof CreateProfileBody> }>(
    BASE,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Create an issuance profile",
        tags,
        params: ProjectParams,
        body: CreateProfileBody,
        response: { 201: ProfileJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const input = { ...PROFILE_DEFAULTS, ...profileInputFromJson(request.body) };
      const profile = await profiles.createProfile(
        actorOf(request),
        request.params.projectId,
        input,
      );
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${profile.projectId}/profiles/${profile.id}`)
        .send(profileJson(profile));
    },
  );

  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof PageQuery> }>(
    BASE,
    {
      config: { access: { permission: "certificates:read" } },
      schema: {
        summary: "List issuance profiles",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: ProfilePage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const page = await profiles.listProfiles(
        actorOf(request),
        request.params.projectId,
        request.query,
      );
      return { items: page.items.map(profileJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof ProfileParams> }>(
    `${BASE}/:profileId`,
    {
      config: { access: { permission: "certificates:read" } },
      schema: {
        summary: "Get an issuance profile",
        tags,
        params: ProfileParams,
        response: { 200: ProfileJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      profileJson(
        await profiles.getProfile(
          actorOf(request),
          request.params.projectId,
          request.params.profileId,
        ),
      ),
  );

  app.patch<{ Params: Static<typeof ProfileParams>; Body: Static<typeof UpdateProfileBody> }>(
    `${BASE}/:profileId`,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Change an issuance profile",
        tags,
        params: ProfileParams,
        body: UpdateProfileBody,
        response: { 200: ProfileJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      profileJson(
        await profiles.updateProfile(
          actorOf(request),
          request.params.projectId,
          request.params.profileId,
          profileInputFromJson(request.body),
        ),
      ),
  );

  app.delete<{ Params: Static<typeof ProfileParams> }>(
    `${BASE}/:profileId`,
    {
      config: { access: { permission: "cas:write" } },
      schema: {
        summary: "Delete an issuance profile (certificates issued with it keep existing)",
        tags,
        params: ProfileParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await profiles.deleteProfile(
        actorOf(request),
        request.params.projectId,
        request.params.profileId,
      );
      return reply.code(204).send();
    },
  );
}
