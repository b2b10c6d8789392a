/**
 * Who is acting, as every service call receives it (STYLE.md §3): never a Fastify request.
 * The identity issue fills `type`/`id` from sessions and API keys; until then the HTTP layer
 * acts as the local `system` principal on loopback only.
 */
export interface Actor {
  type: "user" | "api_key" | "system";
  id: string;
  /** Display name for audit entries (username, key name). */
  name: string;
  requestId: string | null;
  sourceIp: string | null;
  /**
   * The projects this actor may see; undefined or null means every project (admins, auditors,
   * unrestricted keys, the system). Services filter lists by it; single lookups of a project
   * outside it answer 404 (seed 004 §08).
   */
  projectScope?: readonly string[] | null;
}

/** Whether `actor` may see `projectId` at all. */
export function canSeeProject(actor: Actor, projectId: string): boolean {
  return actor.projectScope == null || actor.projectScope.includes(projectId);
}

export function systemActor(
  requestId: string | null = null,
  sourceIp: string | null = null,
): Actor {
  return { type: "system", id: "system", name: "system", requestId, sourceIp };
}
