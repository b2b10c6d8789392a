import type { Migration } from "kysely";

import * as m20261122000000 from "./20261122000000_foundation.js";
import * as m20261122020000 from "./20261122020000_identity.js";
import * as m20261123010000 from "./20261123010000_keys.js";
import * as m20261123020000 from "./20261123020000_audit.js";
import * as m20261123050000 from "./20261123050000_jobs.js";
import * as m20261123100000 from "./20261123100000_pki.js";
import * as m20261123110000 from "./20261123110000_revocation.js";
import * as m20261123120000 from "./20261123120000_cisco.js";
import * as m20261123130000 from "./20261123130000_csc.js";
import * as m20261123140000 from "./20261123140000_crl_keyset.js";
import * as m20261123150000 from "./20261123150000_certificate_names_search.js";

/**
 * Every migration, by sortable UTC timestamp name. Listed statically (not read from disk) so the
 * compiled server finds them wherever it is installed. Never edit one that has landed: add a new one.
 */
export const MIGRATIONS: Record<string, Migration> = {
  "20261122000000_foundation": m20261122000000,
  "20261122020000_identity": m20261122020000,
  "20261123010000_keys": m20261123010000,
  "20261123020000_audit": m20261123020000,
  "20261123050000_jobs": m20261123050000,
  "20261123100000_pki": m20261123100000,
  "20261123110000_revocation": m20261123110000,
  "20261123120000_cisco": m20261123120000,
  "20261123130000_csc": m20261123130000,
  "20261123140000_crl_keyset": m20261123140000,
  "20261123150000_certificate_names_search": m20261123150000,
};
