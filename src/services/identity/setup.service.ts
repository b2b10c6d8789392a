import type { Clock } from "../../lib/clock.js";
import { AppError, conflict, validationFailed } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";
import { systemActor, type Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { ProjectsService } from "../projects/projects.service.js";
import type { Project } from "../projects/projects.types.js";

import * as repo from "./setup.repo.js";
import { randomToken, sha256Hex } from "./tokens.js";
import type { UsersService } from "./users.service.js";
import type { User } from "./users.types.js";

export const SETUP_STEPS = ["organization", "admin", "project", "complete"] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

const SETUP_TOKEN_TTL_MS = 24 * 60 * 60_000;
const ORGANIZATION_MAX = 200;

export interface SetupStatus {
  complete: boolean;
  /** The next step to submit; "complete" when only POST …/setup/complete is left. */
  step: SetupStep | null;
  organizationName: string | null;
}

export type SetupStepInput =
  | { step: "organization"; organizationName: string }
  | { step: "admin"; username: string; password: string }
  | { step: "project"; name: string; description?: string | undefined };

function stepOf(state: repo.SetupStateRow): SetupStep | null {
  if (state.completed_at !== null) return null;
  if (state.organization_name === null) return "organization";
  if (state.admin_user_id === null) return "admin";
  if (state.first_project_id === null) return "project";
  return "complete";
}

function alreadyComplete(): AppError {
  return conflict("Setup is already complete.", [{ rule: "setup_complete" }]);
}

/**
 * The first-run wizard (seed 003): organization → first admin → first project → complete. Until
 * it completes, every setup call needs a one-time token printed on the server console, so the
 * first person to reach a fresh server over the network cannot claim it.
 */
export function createSetupService(deps: {
  db: Db;
  clock: Clock;
  users: UsersService;
  projects: ProjectsService;
  audit: Pick<AuditService, "record">;
}) {
  const { db, clock, users, projects, audit } = deps;

  async function status(): Promise<SetupStatus> {
    const state = await repo.readSetupState(db);
    return {
      complete: state.completed_at !== null,
      step: stepOf(state),
      organizationName: state.organization_name,
    };
  }

  /** A fresh console token while setup is incomplete (each start prints a new one); else null. */
  async function issueToken(): Promise<string | null> {
    if ((await status()).complete) return null;
    const token = randomToken("setup_");
    const now = clock.now().getTime();
    await repo.insertSetupToken(db, {
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: now + SETUP_TOKEN_TTL_MS,
    });
    return token;
  }

  /** Throws 409 after completion and 401 without a valid token. */
  async function checkToken(token: string | undefined): Promise<void> {
    if ((await status()).complete) throw alreadyComplete();
    if (
      token === undefined ||
      !(await repo.findValidSetupToken(db, sha256Hex(token), clock.now().getTime()))
    ) {
      throw new AppError("unauthenticated", {
        message:
          "A valid setup token (X-Setup-Token) is required; it is printed on the server console at start.",
      });
    }
  }

  async function submitStep(input: SetupStepInput): Promise<SetupStatus> {
    const current = await status();
    if (current.complete) throw alreadyComplete();
    if (current.step !== input.step) {
      throw conflict(`The next setup step is "${current.step}", not "${input.step}".`, [
        { field: "step", expected: current.step },
      ]);
    }
    const actor = systemActor();
    if (input.step === "organization") {
      const name = input.organizationName.trim();
      if (name === "" || name.length > ORGANIZATION_MAX) {
        throw validationFailed(`An organization name is 1 to ${ORGANIZATION_MAX} characters.`, [
          { field: "organization_name" },
        ]);
      }
      const spec = { action: "setup.organization", targetType: "setup", details: { name } };
      await audit.record(actor, spec, async (trx) => {
        const moved = await repo.advanceSetupState(
          trx,
          { step: "organization" },
          { organization_name: name },
        );
        if (!moved) throw conflict("The setup step changed meanwhile; read the status again.");
      });
    } else if (input.step === "admin") {
      const admin = await users.createUser(actor, {
        username: input.username,
        password: input.password,
        orgRole: "admin",
        mustChangePassword: false,
      });
      if (!(await repo.advanceSetupState(db, { step: "admin" }, { admin_user_id: admin.id }))) {
        await users.deleteUser(actor, admin.id).catch(() => undefined);
        throw conflict("The setup step changed meanwhile; read the status again.");
      }
    } else {
      const project = await projects.createProject(actor, {
        name: input.name,
        description: input.description,
      });
      if (
        !(await repo.advanceSetupState(db, { step: "project" }, { first_project_id: project.id }))
      ) {
        throw conflict("The setup step changed meanwhile; read the status again.");
      }
    }
    return status();
  }

  /** Finishes setup; needs at least the organization and the admin. Tokens are destroyed. */
  async function complete(): Promise<SetupStatus> {
    const current = await status();
    if (current.complete) throw alreadyComplete();
    if (current.step === "organization" || current.step === "admin") {
      throw conflict(`Setup cannot complete before the "${current.step}" step.`, [
        { field: "step", expected: current.step },
      ]);
    }
    const spec = { action: "setup.complete", targetType: "setup" };
    await audit.record(systemActor(), spec, async (trx) => {
      const done = await repo.advanceSetupState(
        trx,
        { step: "complete" },
        { completed_at: clock.now().getTime() },
      );
      if (!done) throw alreadyComplete();
      await repo.deleteSetupTokens(trx);
    });
    return status();
  }

  /** `certsmith setup`: the whole wizard in one call, for automation. */
  async function bootstrap(input: {
    username: string;
    password: string;
    organization?: string | undefined;
    project?: string | undefined;
  }): Promise<{ admin: User; project: Project | null }> {
    // Resumes a wizard someone started in the browser: steps already done are kept.
    let current = await status();
    if (current.complete) throw alreadyComplete();
    if (current.step === "organization") {
      current = await submitStep({
        step: "organization",
        organizationName: input.organization ?? "Certsmith",
      });
    }
    if (current.step === "admin") {
      current = await submitStep({
        step: "admin",
        username: input.username,
        password: input.password,
      });
    }
    if (current.step === "project" && input.project !== undefined) {
      await submitStep({ step: "project", name: input.project });
    }
    await complete();
    const state = await repo.readSetupState(db);
    const actor: Actor = systemActor();
    return {
      admin: await users.getUser(actor, state.admin_user_id ?? ""),
      project: state.first_project_id
        ? await projects.getProject(actor, state.first_project_id)
        : null,
    };
  }

  return { status, issueToken, checkToken, submitStep, complete, bootstrap };
}

export type SetupService = ReturnType<typeof createSetupService>;
