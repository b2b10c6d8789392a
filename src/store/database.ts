import type { AuditEntriesTable, AuditHeadTable } from "./tables/audit.table.js";
import type {
  CiscoDevicesTable,
  CiscoSettingsTable,
  CiscoSignersTable,
  CiscoTrustEntriesTable,
} from "./tables/cisco.table.js";
import type {
  CscConfigTable,
  CscCredentialsTable,
  CscSadsTable,
  CscTokensTable,
} from "./tables/csc.table.js";
import type { IdempotencyKeysTable } from "./tables/idempotency.table.js";
import type {
  ApiKeysTable,
  ProjectMembersTable,
  RateLimitCountersTable,
  SessionsTable,
  SetupStateTable,
  SetupTokensTable,
  UsersTable,
} from "./tables/identity.table.js";
import type { JobSchedulesTable, JobsTable } from "./tables/jobs.table.js";
import type { MasterKeyChecksTable, SoftwareKeysTable } from "./tables/keys.table.js";
import type {
  CasTable,
  CertificateNamesTable,
  CertificatesTable,
  ProfilesTable,
  ProjectPoliciesTable,
} from "./tables/pki.table.js";
import type { ProjectsTable } from "./tables/projects.table.js";
import type {
  CaRevocationStatesTable,
  OcspRespondersTable,
  OcspResponsesTable,
} from "./tables/revocation.table.js";

/**
 * The whole schema as Kysely sees it. Conventions that keep one migration set and one repo
 * mapping valid on SQLite and PostgreSQL: timestamps are epoch milliseconds in BIGINT columns,
 * booleans are 0/1 integers, JSON is text, binary is BLOB/BYTEA (Buffer on both).
 */
export interface Database {
  projects: ProjectsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  idempotency_keys: IdempotencyKeysTable;
  users: UsersTable;
  project_members: ProjectMembersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  rate_limit_counters: RateLimitCountersTable;
  setup_state: SetupStateTable;
  setup_tokens: SetupTokensTable;
  master_key_checks: MasterKeyChecksTable;
  software_keys: SoftwareKeysTable;
  audit_entries: AuditEntriesTable;
  audit_head: AuditHeadTable;
  csc_credentials: CscCredentialsTable;
  csc_tokens: CscTokensTable;
  csc_sads: CscSadsTable;
  csc_config: CscConfigTable;
  cas: CasTable;
  profiles: ProfilesTable;
  project_policies: ProjectPoliciesTable;
  certificates: CertificatesTable;
  certificate_names: CertificateNamesTable;
  cisco_devices: CiscoDevicesTable;
  cisco_trust_entries: CiscoTrustEntriesTable;
  cisco_signers: CiscoSignersTable;
  cisco_settings: CiscoSettingsTable;
  ca_revocation_states: CaRevocationStatesTable;
  ocsp_responders: OcspRespondersTable;
  ocsp_responses: OcspResponsesTable;
}
