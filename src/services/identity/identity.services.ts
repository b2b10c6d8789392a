import type { Clock } from "../../lib/clock.js";
import type { Db } from "../../store/db.js";
import type { AuditService } from "../audit/audit.service.js";
import type { ProjectsService } from "../projects/projects.service.js";

import { createApiKeyUsage } from "./api-key-usage.js";
import { createApiKeysService } from "./api-keys.service.js";
import { createAuthService } from "./auth.service.js";
import { createMembersService } from "./members.service.js";
import { createRateLimiter } from "./rate-limiter.js";
import { createSetupService } from "./setup.service.js";
import { createUsersService } from "./users.service.js";

/** Identity and access, wired in dependency order. */
export function createIdentityServices(deps: {
  db: Db;
  clock: Clock;
  projects: ProjectsService;
  audit: Pick<AuditService, "record" | "recordFailure">;
  onError: (error: unknown) => void;
}) {
  const { db, clock, audit } = deps;
  const rateLimiter = createRateLimiter({ db, clock });
  const apiKeyUsage = createApiKeyUsage({ db, onError: deps.onError });
  const users = createUsersService({ db, clock, audit });
  return {
    rateLimiter,
    apiKeyUsage,
    users,
    auth: createAuthService({ db, clock, rateLimiter, audit }),
    members: createMembersService({ db, clock, audit }),
    apiKeys: createApiKeysService({ db, clock, rateLimiter, usage: apiKeyUsage, audit }),
    setup: createSetupService({ db, clock, users, projects: deps.projects, audit }),
  };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;
