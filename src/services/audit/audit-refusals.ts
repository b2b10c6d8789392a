import type { Actor } from "../actor.js";

import type { AuditService } from "./audit.service.js";
import type { AuditSpec } from "./audit.types.js";

/** Set just before `audit.record` runs: from then on `record` writes any failure entry itself. */
export interface AuditAttempt {
  isRecorded: boolean;
}

/**
 * Runs a PKI mutation so that a refusal before its write transaction (validation, policy, CA
 * state, a key backend error) is still audited as one failure entry: attempts to obtain a
 * certificate or a CA that the rules forbid are what an auditor looks for.
 */
export async function auditRefusals<T>(
  audit: Pick<AuditService, "recordFailure">,
  actor: Actor,
  spec: AuditSpec,
  run: (attempt: AuditAttempt) => Promise<T>,
): Promise<T> {
  const attempt: AuditAttempt = { isRecorded: false };
  try {
    return await run(attempt);
  } catch (error) {
    if (!attempt.isRecorded) await audit.recordFailure(actor, spec, error);
    throw error;
  }
}
