import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import type { Db } from "../../store/db.js";
import type { AuditService } from "../audit/audit.service.js";
import type { ApiKeysService } from "../identity/api-keys.service.js";
import type { AuthService } from "../identity/auth.service.js";
import type { UsersService } from "../identity/users.service.js";
import type { IssuanceService } from "../issuance/issuance.service.js";

import { createCredentialsService } from "./credentials.service.js";
import { createCscAuthService } from "./csc-auth.service.js";
import { createCscConfigService } from "./csc-config.service.js";
import { createCscSigningService } from "./csc-signing.service.js";
import * as repo from "./csc.repo.js";

/** CSC remote signing (issue 7), wired in dependency order. */
export function createCscServices(deps: {
  db: Db;
  clock: Clock;
  keys: KeyStoreRegistry;
  audit: Pick<AuditService, "record">;
  auth: Pick<AuthService, "refuseIfThrottled" | "recordFailure">;
  apiKeys: Pick<ApiKeysService, "authenticate">;
  users: Pick<UsersService, "getUser">;
  issuance?: Pick<IssuanceService, "issueCertificate">;
}) {
  const { db, clock, keys, audit } = deps;
  return {
    credentials: createCredentialsService({
      db,
      clock,
      keys,
      audit,
      users: deps.users,
      issuance: deps.issuance,
    }),
    auth: createCscAuthService({ db, clock, audit, auth: deps.auth, apiKeys: deps.apiKeys }),
    signing: createCscSigningService({ db, clock, keys, audit }),
    config: createCscConfigService({ db, clock, audit }),
    /** For the periodic prune job: expired service tokens and SADs are of no use to anyone. */
    purgeExpired: () => repo.deleteExpired(db, clock.now().getTime()),
  };
}

export type CscServices = ReturnType<typeof createCscServices>;
