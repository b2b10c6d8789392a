import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";

import { notFound, validationFailed } from "../../../lib/errors.js";
import { decodeBase64 } from "../../../services/csc/algorithms.fns.js";
import type { CscConfigService } from "../../../services/csc/csc-config.service.js";
import { actorOf } from "../../actor.js";
import { errorResponses, mutationErrors } from "../../schemas/common.js";

import { CscConfigJson, UpdateCscConfigBody, cscConfigJson } from "./csc-config.schemas.js";

const tags = ["csc"];
export const CSC_LOGO_PATH = "/api/v1/csc-config/logo";

/** Seed 001's "CSC Configuration" tab: what `/csc/v2/info` announces (docs/csc.md). */
export function cscConfigRoutes(
  app: FastifyInstance,
  deps: { cscConfig: CscConfigService; publicUrl: string },
): void {
  const { cscConfig } = deps;
  const logoUrl = `${deps.publicUrl.replace(/\/$/, "")}${CSC_LOGO_PATH}`;

  app.get(
    "/api/v1/csc-config",
    {
      config: { access: { permission: "settings:admin" } },
      schema: {
        summary: "Get the CSC service configuration",
        tags,
        response: { 200: CscConfigJson, ...errorResponses(400) },
      },
    },
    async () => cscConfigJson(await cscConfig.getConfig(), logoUrl),
  );

  app.patch<{ Body: Static<typeof UpdateCscConfigBody> }>(
    "/api/v1/csc-config",
    {
      config: { access: { permission: "settings:admin" } },
      schema: {
        summary: "Change the CSC service name, region, language, logo, auth type or description",
        tags,
        body: UpdateCscConfigBody,
        response: { 200: CscConfigJson, ...mutationErrors() },
      },
    },
    async (request) => {
      const { body } = request;
      let logo: { bytes: Uint8Array } | null | undefined;
      if (body.logo === null) logo = null;
      else if (body.logo !== undefined) {
        const bytes = decodeBase64(body.logo);
        if (!bytes) throw validationFailed('"logo" is not base64.', [{ field: "logo" }]);
        logo = { bytes };
      }
      const config = await cscConfig.updateConfig(actorOf(request), {
        name: body.name,
        region: body.region,
        lang: body.lang,
        description: body.description,
        authTypes: body.auth_types,
        logo,
      });
      return cscConfigJson(config, logoUrl);
    },
  );

  app.get(
    CSC_LOGO_PATH,
    {
      // Public: CSC clients show it next to the service name (csc-api-v2.md §4.1).
      config: { access: { public: true } },
      schema: {
        summary: "The CSC service logo (PNG or JPEG)",
        tags,
        response: {
          200: { type: "string", format: "binary", description: "The image." },
          ...errorResponses(404),
        },
      },
    },
    async (_request, reply) => {
      const logo = await cscConfig.getLogo();
      if (!logo) throw notFound("CSC logo");
      return reply
        .type(logo.contentType)
        .header("cache-control", "public, max-age=300")
        .send(Buffer.from(logo.bytes));
    },
  );
}
