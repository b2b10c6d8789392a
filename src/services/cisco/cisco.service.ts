import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Clock } from "../../lib/clock.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";
import { canSeeProject, type Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { CasService } from "../cas/cas.service.js";
import type { IssuanceService } from "../issuance/issuance.service.js";
import type { ProjectsService } from "../projects/projects.service.js";

import { createCapfService } from "./capf.service.js";
import { createDevicesService } from "./devices.service.js";
import { createFilesService } from "./files.service.js";
import { createSignersService } from "./signers.service.js";
import { createTrustService } from "./trust.service.js";

export interface CiscoServiceDeps {
  db: Db;
  clock: Clock;
  keys: KeyStoreRegistry;
  audit: Pick<AuditService, "record">;
  projects: Pick<ProjectsService, "getProject" | "listProjects">;
  /** A project CA may issue LSCs instead of the `capf_issuer` signer (settings). */
  cas: Pick<CasService, "getCa">;
  issuance: Pick<IssuanceService, "issueCertificate">;
  /** The `cisco_project` setting: the project the compat APIs and protocol servers serve. */
  configuredProjectId: string | null;
}

/** Cisco IP-phone security (issue 6): one service, composed of one part per use-case group. */
export function createCiscoService(deps: CiscoServiceDeps) {
  const { db, clock, audit } = deps;
  const signers = createSignersService({ db, clock, audit, keys: deps.keys, cas: deps.cas });
  const trust = createTrustService({ db, clock, audit });
  const devices = createDevicesService({ db, clock, audit });
  const files = createFilesService({ db, clock, audit, signers, trust });
  const capf = createCapfService({
    db,
    clock,
    audit,
    signers,
    cas: deps.cas,
    issuance: deps.issuance,
  });

  /**
   * The project a compat request (seed 000 has no projects) or a phone acts on, by one documented
   * rule (docs/cisco.md): the `cisco_project` setting when set; else the caller's API key when it
   * is limited to exactly one project; else the only project there is.
   */
  async function resolveProject(actor: Actor): Promise<string> {
    const configured = deps.configuredProjectId;
    if (configured !== null) {
      if (!canSeeProject(actor, configured)) throw notFound("project", configured);
      await deps.projects.getProject(actor, configured);
      return configured;
    }
    const scope = actor.projectScope;
    if (scope != null && scope.length === 1) return scope[0]!;
    const page = await deps.projects.listProjects(actor, { limit: 2 });
    if (page.items.length === 1) return page.items[0]!.id;
    throw new AppError("bad_request", {
      message:
        page.items.length === 0
          ? "No project exists yet; create one first."
          : "Several projects exist: set cisco_project, or use an API key limited to one project.",
    });
  }

  async function stats(actor: Actor, projectId: string) {
    const deviceCounts = await devices.deviceStats(actor, projectId);
    return { devices: deviceCounts, trustEntries: await trust.countEntries(projectId) };
  }

  return { devices, trust, signers, files, capf, resolveProject, stats };
}

export type CiscoService = ReturnType<typeof createCiscoService>;
