import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Static } from "typebox";

import type { SetupService, SetupStatus } from "../../../services/identity/setup.service.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import { SetupHeaders, SetupStatusJson, SetupStepBody } from "./identity.schemas.js";

/** The native paths, and seed 003's own (`/api/setup/*`), served by the same handlers. */
const MOUNTS = [
  { base: "/api/v1/setup", tags: ["setup"] },
  { base: "/api/setup", tags: ["compat: cell appliance (seed 003)"] },
] as const;

function statusJson(status: SetupStatus) {
  return {
    complete: status.complete,
    step: status.step,
    organization_name: status.organizationName,
  };
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers["x-setup-token"];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * The first-run wizard (seed 003). Public routes in the access sense — there are no users yet —
 * guarded instead by the one-time console token; after completion every mutation is 409.
 */
export function setupRoutes(app: FastifyInstance, deps: { setup: SetupService }): void {
  for (const { base, tags } of MOUNTS) setupRoutesAt(app, deps.setup, base, [...tags]);
}

function setupRoutesAt(
  app: FastifyInstance,
  setup: SetupService,
  base: string,
  tags: string[],
): void {
  const config = { access: { public: true } as const, idempotency: false };

  app.get(
    `${base}/status`,
    {
      config: { access: { public: true } },
      schema: {
        summary: "Whether first-run setup is complete, and the next step",
        tags,
        response: { 200: SetupStatusJson, ...errorResponses(503) },
      },
    },
    async () => statusJson(await setup.status()),
  );

  app.get(
    `${base}/step`,
    {
      config: { access: { public: true } },
      schema: {
        summary: "The current setup step (needs X-Setup-Token)",
        tags,
        headers: SetupHeaders,
        response: { 200: SetupStatusJson, ...errorResponses(401, 409) },
      },
    },
    async (request) => {
      await setup.checkToken(tokenOf(request));
      return statusJson(await setup.status());
    },
  );

  app.post<{ Body: Static<typeof SetupStepBody> }>(
    `${base}/step`,
    {
      config,
      schema: {
        summary: "Submit the current setup step: organization, then admin, then project",
        tags,
        headers: SetupHeaders,
        body: SetupStepBody,
        response: { 200: SetupStatusJson, ...mutationErrors(401) },
      },
    },
    async (request) => {
      await setup.checkToken(tokenOf(request));
      const body = request.body;
      const next =
        body.step === "organization"
          ? await setup.submitStep({
              step: "organization",
              organizationName: body.organization_name,
            })
          : body.step === "admin"
            ? await setup.submitStep({
                step: "admin",
                username: body.username,
                password: body.password,
              })
            : await setup.submitStep({
                step: "project",
                name: body.name,
                description: body.description,
              });
      return statusJson(next);
    },
  );

  app.post(
    `${base}/complete`,
    {
      config,
      schema: {
        summary: "Finish setup (the console token stops working)",
        tags,
        headers: SetupHeaders,
        response: { 200: SetupStatusJson, ...mutationErrors(401) },
      },
    },
    async (request) => {
      await setup.checkToken(tokenOf(request));
      return statusJson(await setup.complete());
    },
  );
}
