export type OrgRole = "admin" | "auditor" | "member" | "peer";
export type ProjectRole = "owner" | "operator" | "viewer";

export interface UsersTable {
  id: string;
  /** Lower-cased: usernames are case-insensitive. */
  username: string;
  password_hash: string;
  org_role: OrgRole;
  is_disabled: number;
  must_change_password: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie's token: a database leak yields no usable session. */
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  source_ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  description: string;
  /** First characters of the key, shown in lists so users can tell keys apart. */
  key_prefix: string;
  /** SHA-256 of the whole key (256 random bits: a slow hash adds nothing). */
  secret_hash: string;
  permissions: string;
  project_ids: string | null;
  rate_limit_requests: number | null;
  rate_limit_per: "minute" | "hour" | "day" | null;
  ip_allowlist: string;
  expires_at: number | null;
  revoked_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  request_count: number;
  error_count: number;
}

export interface RateLimitCountersTable {
  bucket: string;
  window_start: number;
  count: number;
}

export interface SetupStateTable {
  id: number;
  organization_name: string | null;
  admin_user_id: string | null;
  first_project_id: string | null;
  completed_at: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
}
