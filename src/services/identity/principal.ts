import type { Actor } from "../actor.js";

import type { Grant } from "./permissions.js";
import type { OrgRole, ProjectRole } from "./roles.js";

/** An authenticated caller, as the authorization hook sees it. */
export type Principal =
  | {
      kind: "user";
      actor: Actor;
      userId: string;
      username: string;
      orgRole: OrgRole;
      mustChangePassword: boolean;
      /** Project id → role, for members. */
      projectRoles: ReadonlyMap<string, ProjectRole>;
      /** The session token (cookie auth only): the CSRF token derives from it. */
      sessionToken: string | null;
    }
  | {
      kind: "api_key";
      actor: Actor;
      keyId: string;
      grants: readonly Grant[];
      /** Null: every project. */
      projectIds: readonly string[] | null;
      rateLimit: { requests: number; per: "minute" | "hour" | "day" } | null;
    };
