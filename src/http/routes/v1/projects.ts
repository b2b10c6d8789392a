import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import type { ProjectsService } from "../../../services/projects/projects.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors, PageQuery } from "../../schemas/common.js";

import {
  CreateProjectBody,
  ProjectJson,
  ProjectPage,
  ProjectParams,
  UpdateProjectBody,
  projectJson,
} from "./projects.schemas.js";

const tags = ["projects"];

export function projectRoutes(app: FastifyInstance, deps: { projects: ProjectsService }): void {
  const { projects } = deps;

  app.post<{ Body: Static<typeof CreateProjectBody> }>(
    "/api/v1/projects",
    {
      config: { access: { permission: "projects:write" } },
      schema: {
        summary: "Create a project",
        tags,
        body: CreateProjectBody,
        response: { 201: ProjectJson, ...mutationErrors() },
      },
    },
    async (request, reply) => {
      const project = await projects.createProject(actorOf(request), request.body);
      return reply
        .code(201)
        .header("location", `/api/v1/projects/${project.id}`)
        .send(projectJson(project));
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    "/api/v1/projects",
    {
      config: { access: { permission: "projects:read" } },
      schema: {
        summary: "List the projects you can see",
        tags,
        querystring: PageQuery,
        response: { 200: ProjectPage, ...errorResponses(400) },
      },
    },
    async (request) => {
      const page = await projects.listProjects(actorOf(request), request.query);
      return { items: page.items.map(projectJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof ProjectParams> }>(
    "/api/v1/projects/:projectId",
    {
      config: { access: { permission: "projects:read" } },
      schema: {
        summary: "Get a project",
        tags,
        params: ProjectParams,
        response: { 200: ProjectJson, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      projectJson(await projects.getProject(actorOf(request), request.params.projectId)),
  );

  app.patch<{ Params: Static<typeof ProjectParams>; Body: Static<typeof UpdateProjectBody> }>(
    "/api/v1/projects/:projectId",
    {
      config: { access: { permission: "projects:write" } },
      schema: {
        summary: "Rename or describe a project",
        tags,
        params: ProjectParams,
        body: UpdateProjectBody,
        response: { 200: ProjectJson, ...mutationErrors(404) },
      },
    },
    async (request) =>
      projectJson(
        await projects.updateProject(actorOf(request), request.params.projectId, request.body),
      ),
  );

  app.delete<{ Params: Static<typeof ProjectParams> }>(
    "/api/v1/projects/:projectId",
    {
      config: { access: { permission: "projects:write" } },
      schema: {
        summary: "Delete an empty project (409 while it holds CAs or certificates)",
        tags,
        params: ProjectParams,
        response: { 204: { type: "null", description: "Deleted." }, ...mutationErrors(404) },
      },
    },
    async (request, reply) => {
      await projects.deleteProject(actorOf(request), request.params.projectId);
      return reply.code(204).send();
    },
  );
}
