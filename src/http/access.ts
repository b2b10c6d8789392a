import type { Permission } from "../services/identity/permissions.js";

/**
 * What a route needs, declared on every route as `config: { access }` and enforced by one hook
 * (http/plugins/authorize.ts) for sessions and API keys alike. A route without a declaration
 * makes the server refuse to start.
 */
export type RouteAccess =
  | {
      public: true;
      /**
       * The surface reads `Authorization` itself (CSC service tokens): the native hook does not
       * try it as an API key, so its tokens are not counted as failed sign-ins.
       */
      ownAuthentication?: boolean;
    }
  | {
      /** A permission, or "signed_in" for any authenticated caller (me, logout, own API keys). */
      permission: Permission | "signed_in";
      /** Peers (self-service accounts) may call it; the service filters to their own resources. */
      allowPeer?: boolean;
      /** Auth and setup routes: a cookie-authenticated mutation without X-CSRF-Token is allowed. */
      csrfExempt?: boolean;
      /** Reachable while the user must still change their password (me, change-password, logout). */
      allowPendingPasswordChange?: boolean;
    };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
