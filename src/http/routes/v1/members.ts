import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { MembersService } from "../../../services/identity/members.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import {
  AddMemberBody,
  MemberJson,
  MemberList,
  MemberParams,
  ProjectOnlyParams,
  UpdateMemberBody,
  memberJson,
} from "./identity.schemas.js";

const tags = ["members"];

/** Who works in a project, and as what (owner, operator, viewer). */
export function memberRoutes(app: FastifyInstance, deps: { members: MembersService }): void {
  const { members } = deps;

  app.get<{ Params: Static<typeof ProjectOnlyParams> }>(
    "/api/v1/projects/:projectId/members",
    {
      config: { access: { permission: "projects:read" } },
      schema: {
        summary: "List a project's members",
        tags,
        params: ProjectOnlyParams,
        response: { 200: MemberList, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({
      items: (await members.listMembers(actorOf(request), request.params.projectId)).map(
        memberJson,
      ),
    }),
  );

  app.post<{ Params: Static<typeof ProjectOnlyParams>; Body: Static<typeof AddMemberBody> }>(
    "/api/v1/projects/:projectId/members",
    {
      config: { access: { permission: "members:admin" } },
      schema: {
        summary: "Add a user to a project",
        tags,
        params: ProjectOnlyParams,
        body: AddMemberBody,
        response: { 201: MemberJson, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      const member = await members.addMember(actorOf(request), request.params.projectId, {
        userId: request.body.user_id,
        role: request.body.role,
      });
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${member.projectId}/members/${member.userId}`)
        .send(memberJson(member));
    },
  );

  app.patch<{ Params: Static<typeof MemberParams>; Body: Static<typeof UpdateMemberBody> }>(
    "/api/v1/projects/:projectId/members/:userId",
    {
      config: { access: { permission: "members:admin" } },
      schema: {
        summary: "Change a member's project role",
        tags,
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      memberJson(
        await members.updateMember(
          actorOf(request),
          request.params.projectId,
          request.params.userId,
          request.body.role,
        ),
      ),
  );

  app.delete<{ Params: Static<typeof MemberParams> }>(
    "/api/v1/projects/:projectId/members/:userId",
    {
      config: { access: { permission: "members:admin" } },
      schema: {
        summary: "Remove a member from a project",
        tags,
        params: MemberParams,
        response: { 204: { type: "null", description: "Removed." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await members.removeMember(actorOf(request), request.params.projectId, request.params.userId);
      return reply.code(204).send();
    },
  );
}
