import type { FastifyInstance, FastifyRequest } from "fastify";

import { cscError, invalidRequest } from "../../../services/csc/csc-errors.js";
import { requestContext } from "../../plugins/access-control.js";

import { infoJson } from "./csc-json.js";
import { bodyOf, checkClientData, optionalBoolean, optionalString } from "./csc-params.js";
import { CSC_ROUTE, authenticateCsc, type CscRouteDeps } from "./csc-scope.js";

/** RFC 7617 Basic credentials, or the spec's errors for a malformed header (§4.2). */
function basicCredentials(request: FastifyRequest): { username: string; password: string } {
  const header = request.headers.authorization ?? "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) throw cscError("invalid_request", "Malformed authentication parameter", 401);
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw invalidRequest("Malformed username-password");
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `info`, `auth/login`, `auth/revoke` (csc-api-v2.md §4.1–§4.3). */
export function cscAuthRoutes(app: FastifyInstance, deps: CscRouteDeps): void {
  // §1: be lenient about `info`: POST with `{}` or an empty body, and GET.
  const info = async () => infoJson(await deps.cscConfig.getConfig(), deps.logoUrl);
  app.post("/info", CSC_ROUTE, info);
  app.get("/info", CSC_ROUTE, info);

  app.post("/auth/login", CSC_ROUTE, async (request) => {
    const body = bodyOf(request.body);
    checkClientData(body);
    const rememberMe = optionalBoolean(body, "rememberMe") ?? false;
    const refreshToken = optionalString(body, "refresh_token");
    const context = requestContext(request);
    const result =
      refreshToken !== undefined && request.headers.authorization === undefined
        ? await deps.cscAuth.refresh(refreshToken, context)
        : await deps.cscAuth.login(basicCredentials(request), rememberMe, context);
    return {
      access_token: result.accessToken,
      ...(result.refreshToken !== null ? { refresh_token: result.refreshToken } : {}),
      expires_in: result.expiresInSeconds,
    };
  });

  app.post("/auth/revoke", CSC_ROUTE, async (request, reply) => {
    const authentication = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    const token = optionalString(body, "token");
    if (token === undefined || token === "") {
      throw invalidRequest("Missing (or invalid type) string parameter token");
    }
    const hint = body.token_type_hint;
    if (hint !== undefined && hint !== "access_token" && hint !== "refresh_token") {
      throw invalidRequest("Invalid string parameter token_type_hint");
    }
    await deps.cscAuth.revoke(authentication, token, hint);
    return reply.code(204).send();
  });
}
