export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  state: "in_progress" | "complete";
  response: StoredResponse | null;
  expiresAt: Date;
}

export interface IdempotentRequest {
  /** The caller: keys are per principal, so two callers never collide. */
  scope: string;
  key: string;
  method: string;
  path: string;
  /** Canonical hash of method, path and body. */
  requestHash: string;
}

export type BeginResult = { kind: "execute" } | { kind: "replay"; response: StoredResponse };
