import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { Type } from "typebox";

import type { HealthService } from "../../services/system/health.service.js";

const HealthBody = Type.Object(
  {
    status: Type.Union([Type.Literal("healthy"), Type.Literal("unhealthy")]),
    version: Type.String(),
    database: Type.Union([Type.Literal("connected"), Type.Literal("unreachable")]),
  },
  { title: "Health" },
);

export interface SystemRouteDeps {
  health: HealthService;
  registry: Registry;
}

export function systemRoutes(app: FastifyInstance, deps: SystemRouteDeps): void {
  app.get(
    "/health",
    {
      config: { access: { public: true } },
      schema: {
        summary: "Liveness and database reachability (public)",
        tags: ["system"],
        response: { 200: HealthBody, 503: HealthBody },
      },
    },
    async (_request, reply) => {
      const report = await deps.health.check();
      return reply.code(report.status === "healthy" ? 200 : 503).send(report);
    },
  );

  app.get(
    "/metrics",
    {
      config: { access: { public: true } },
      schema: {
        summary: "Prometheus metrics (text exposition format)",
        tags: ["system"],
        produces: ["text/plain"],
        response: {
          200: Type.String({ description: "Prometheus text format 0.0.4." }),
          503: Type.String({ description: "Metrics could not be collected." }),
        },
      },
    },
    async (_request, reply) => {
      const text = await deps.registry.metrics();
      return reply.type(deps.registry.contentType).send(text);
    },
  );
}
