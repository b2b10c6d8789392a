import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { UsersService } from "../../../services/identity/users.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  CreateUserBody,
  ResetPasswordBody,
  UpdateUserBody,
  UserJson,
  UserPage,
  UserParams,
  userJson,
} from "./identity.schemas.js";

const tags = ["users"];

/** Organisation accounts (admin only to change; auditors may read). */
export function userRoutes(app: FastifyInstance, deps: { users: UsersService }): void {
  const { users } = deps;

  app.post<{ Body: Static<typeof CreateUserBody> }>(
    "/api/v1/users",
    {
      config: { access: { permission: "users:admin" }, idempotency: false },
      schema: {
        summary: "Create a user (the first login must change the password unless told otherwise)",
        tags,
        body: CreateUserBody,
        response: { 201: UserJson, ...mutationErrors() },
      },
    },
    async (request, reply) => {
      const user = await users.createUser(actorOf(request), {
        username: request.body.username,
        password: request.body.password,
        orgRole: request.body.role,
        mustChangePassword: request.body.must_change_password,
      });
      return reply.code(201).header("location", `/api/v1/users/${user.id}`).send(userJson(user));
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    "/api/v1/users",
    {
      config: { access: { permission: "users:read" } },
      schema: {
        summary: "List users",
        tags,
        querystring: PageQuery,
        response: { 200: UserPage, ...errorResponses(400) },
      },
    },
    async (request) => {
      const page = await users.listUsers(actorOf(request), request.query);
      return { items: page.items.map(userJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof UserParams> }>(
    "/api/v1/users/:userId",
    {
      config: { access: { permission: "users:read" } },
      schema: {
        summary: "Get a user",
        tags,
        params: UserParams,
        response: { 200: UserJson, ...errorResponses(400, 404) },
      },
    },
    async (request) => userJson(await users.getUser(actorOf(request), request.params.userId)),
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>(
    "/api/v1/users/:userId",
    {
      config: { access: { permission: "users:admin" } },
      schema: {
        summary: "Change a user's role or disable the account (the last admin stays)",
        tags,
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UserJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      userJson(
        await users.updateUser(actorOf(request), request.params.userId, {
          orgRole: request.body.role,
          isDisabled: request.body.disabled,
        }),
      ),
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    "/api/v1/users/:userId",
    {
      config: { access: { permission: "users:admin" } },
      schema: {
        summary: "Delete a user",
        tags,
        params: UserParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await users.deleteUser(actorOf(request), request.params.userId);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof UserParams>; Body: Static<typeof ResetPasswordBody> }>(
    "/api/v1/users/:userId/reset-password",
    {
      config: { access: { permission: "users:admin" }, idempotency: false },
      schema: {
        summary: "Set a temporary password; the user must change it at next login",
        tags,
        params: UserParams,
        body: ResetPasswordBody,
        response: { 200: UserJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      userJson(
        await users.resetPassword(
          actorOf(request),
          request.params.userId,
          request.body.new_password,
        ),
      ),
  );
}
