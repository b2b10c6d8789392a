import type { FastifyInstance, RouteOptions } from "fastify";

interface DocumentedSchema {
  hide?: boolean;
  summary?: string;
  tags?: string[];
  response?: Record<string, unknown>;
}

/**
 * Every documented route states its summary, tags and responses, or the server refuses to start:
 * the OpenAPI document is generated from these schemas (never hand-written), so a route cannot
 * be forgotten in it.
 */
export function enforceRouteContract(app: FastifyInstance): void {
  app.addHook("onRoute", (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as DocumentedSchema;
    if (schema.hide) return;
    const where = `${String(route.method)} ${route.url}`;
    const missing: string[] = [];
    if (!schema.summary) missing.push("summary");
    if (!schema.tags?.length) missing.push("tags");
    const statuses = Object.keys(schema.response ?? {});
    if (!statuses.some((s) => s.startsWith("2") || s.startsWith("3")))
      missing.push("a success response");
    if (
      !statuses.some((s) => s.startsWith("4") || s.startsWith("5")) &&
      !route.url.startsWith("/health")
    ) {
      missing.push("error responses");
    }
    if (missing.length > 0)
      throw new Error(`route ${where} lacks ${missing.join(", ")} in its schema`);
  });
}
