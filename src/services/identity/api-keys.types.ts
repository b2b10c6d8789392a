import type { Grant } from "./permissions.js";

export type RatePeriod = "minute" | "hour" | "day";
export type ApiKeyStatus = "active" | "expired" | "revoked";

export interface ApiKey {
  id: string;
  name: string;
  description: string;
  /** The first characters of the secret, so people can tell keys apart; never enough to use. */
  prefix: string;
  permissions: Grant[];
  /** Null: every project the key's permissions reach. */
  projectIds: string[] | null;
  rateLimit: { requests: number; per: RatePeriod } | null;
  ipAllowlist: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  requestCount: number;
  errorCount: number;
}

export interface ApiKeyWithSecret {
  apiKey: ApiKey;
  /** Shown once, at creation and on regenerate. */
  key: string;
}

export interface CreateApiKeyInput {
  name: string;
  description?: string | undefined;
  /** "30d", "60d", "never" or an ISO 8601 date/time. */
  expires?: string | undefined;
  permissions: string[];
  projectIds?: string[] | null | undefined;
  rateLimit?: { requests: number; per: RatePeriod } | null | undefined;
  ipAllowlist?: string[] | undefined;
}

export type UpdateApiKeyInput = Partial<Omit<CreateApiKeyInput, "expires">>;

export interface ApiKeyFilters {
  q?: string | undefined;
  status?: ApiKeyStatus | undefined;
  permission?: string | undefined;
  /** Keys used at or after this time. */
  usedSince?: Date | undefined;
  /** Only keys never used. */
  neverUsed?: boolean | undefined;
}

export interface ApiKeySummary {
  totalRequests: number;
  activeKeys: number;
  /** Failed requests / all requests, 0..1. */
  errorRate: number;
}
