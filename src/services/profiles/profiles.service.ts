import type { Clock } from "../../lib/clock.js";
import { PAGE_LIMIT_DEFAULT, type Page, type PageRequest } from "../../lib/cursor.js";
import { conflict, notFound, validationFailed } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { extendedKeyUsageOid } from "../../pki/extensions.js";
import { normalizeDnsName } from "../../pki/general-names.js";
import { normalizeSubject } from "../../pki/names.js";
import { isForeignKeyViolation, isUniqueViolation, type Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";
import type { CasService } from "../cas/cas.service.js";
import { withPkiErrors } from "../cas/pki-failures.js";

import {
  evaluatePolicy,
  evaluateProfile,
  isAddressPattern,
  policyViolationError,
  type IssuanceFacts,
} from "./policy.fns.js";
import * as repo from "./profiles.repo.js";
import type { PolicyInput, Profile, ProfileInput, ProjectPolicy } from "./profiles.types.js";

/** The policy of a project that never set one: everything the server itself accepts. */
function openPolicy(projectId: string): ProjectPolicy {
  return {
    projectId,
    allowedKeyTypes: null,
    maxValidityDays: null,
    allowedDomains: null,
    allowWildcards: true,
    requireSan: false,
    updatedAt: null,
    updatedBy: null,
  };
}

/**
 * Issuance profiles and the project policy (issue 4 §4), and `checkIssuance`, which issuance
 * calls before any key is generated or anything is signed.
 */
export function createProfilesService(deps: {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  cas: Pick<CasService, "getCa">;
}) {
  const { db, clock, audit } = deps;

  async function checkProfile(
    actor: Actor,
    projectId: string,
    input: ProfileInput,
  ): Promise<ProfileInput> {
    const subjectDefaults = await withPkiErrors(() => normalizeSubject(input.subjectDefaults));
    await withPkiErrors(() =>
      input.extendedKeyUsage.forEach((usage) => extendedKeyUsageOid(usage)),
    );
    if (input.maxValidityDays !== null && input.validityDays > input.maxValidityDays) {
      throw validationFailed("validity_days must not exceed max_validity_days.", [
        { field: "validity_days", max: input.maxValidityDays },
      ]);
    }
    if (
      input.defaultKeyType !== null &&
      input.allowedKeyTypes !== null &&
      !input.allowedKeyTypes.includes(input.defaultKeyType)
    ) {
      throw validationFailed("default_key_type must be one of allowed_key_types.", [
        { field: "default_key_type", allowed: input.allowedKeyTypes },
      ]);
    }
    if (input.caId !== null) await deps.cas.getCa(actor, projectId, input.caId);
    return { ...input, subjectDefaults };
  }

  async function createProfile(
    actor: Actor,
    projectId: string,
    input: ProfileInput,
  ): Promise<Profile> {
    const checked = await checkProfile(actor, projectId, input);
    const now = clock.now();
    const profile: Profile = {
      ...checked,
      id: newId("prf"),
      projectId,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    const spec = {
      action: "profile.create",
      targetType: "profile",
      targetId: profile.id,
      projectId,
      details: { name: profile.name, ca_id: profile.caId },
    };
    try {
      return await audit.record(actor, spec, async (trx) => {
        await repo.insertProfile(trx, profile);
        return profile;
      });
    } catch (error) {
      throw mapWriteError(error, input.name, projectId);
    }
  }

  async function updateProfile(
    actor: Actor,
    projectId: string,
    profileId: string,
    changes: Partial<ProfileInput>,
  ): Promise<Profile> {
    const current = await getProfile(actor, projectId, profileId);
    const merged = { ...current, ...changes };
    const checked = await checkProfile(actor, projectId, merged);
    const spec = {
      action: "profile.update",
      targetType: "profile",
      targetId: profileId,
      projectId,
      details: { fields: Object.keys(changes).sort() },
    };
    try {
      return await audit.record(actor, spec, async (trx) => {
        if (!(await repo.findProfile(trx, projectId, profileId)))
          throw notFound("profile", profileId);
        const profile: Profile = { ...current, ...checked, updatedAt: clock.now() };
        await repo.updateProfile(trx, profile);
        return profile;
      });
    } catch (error) {
      throw mapWriteError(error, merged.name, projectId);
    }
  }

  async function deleteProfile(actor: Actor, projectId: string, profileId: string): Promise<void> {
    const spec = {
      action: "profile.delete",
      targetType: "profile",
      targetId: profileId,
      projectId,
    };
    await audit.record(actor, spec, async (trx) => {
      if ((await repo.deleteProfile(trx, projectId, profileId)) === 0) {
        throw notFound("profile", profileId);
      }
    });
  }

  async function getProfile(_actor: Actor, projectId: string, profileId: string): Promise<Profile> {
    const profile = await repo.findProfile(db, projectId, profileId);
    if (!profile) throw notFound("profile", profileId);
    return profile;
  }

  async function listProfiles(
    _actor: Actor,
    projectId: string,
    page: PageRequest,
  ): Promise<Page<Profile>> {
    return repo.listProfiles(db, projectId, page.limit ?? PAGE_LIMIT_DEFAULT, page.cursor);
  }

  async function getPolicy(_actor: Actor, projectId: string): Promise<ProjectPolicy> {
    return (await repo.findPolicy(db, projectId)) ?? openPolicy(projectId);
  }

  /** Replaces the project's policy (PUT semantics: absent fields take their open defaults). */
  async function putPolicy(
    actor: Actor,
    projectId: string,
    input: PolicyInput,
  ): Promise<ProjectPolicy> {
    const allowedDomains =
      input.allowedDomains === null
        ? null
        : await withPkiErrors(() =>
            input.allowedDomains!.map((pattern) =>
              isAddressPattern(pattern)
                ? pattern.trim().toLowerCase()
                : normalizeDnsName(pattern, { allowWildcard: true }),
            ),
          );
    const policy: ProjectPolicy = {
      ...input,
      allowedDomains,
      projectId,
      updatedAt: clock.now(),
      updatedBy: actor.id,
    };
    const spec = {
      action: "policy.update",
      targetType: "project",
      targetId: projectId,
      projectId,
      details: {
        allowed_key_types: policy.allowedKeyTypes,
        max_validity_days: policy.maxValidityDays,
        allowed_domains: policy.allowedDomains,
        allow_wildcards: policy.allowWildcards,
        require_san: policy.requireSan,
      },
    };
    try {
      return await audit.record(actor, spec, async (trx) => {
        await repo.savePolicy(trx, policy);
        return policy;
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFound("project", projectId);
      throw error;
    }
  }

  /**
   * Throws 422 `policy_violation` listing every rule of the project policy and of `profile`
   * that the request breaks (seed 004 §07).
   */
  async function checkIssuance(
    projectId: string,
    profile: Profile | null,
    facts: IssuanceFacts,
  ): Promise<void> {
    const policy = (await repo.findPolicy(db, projectId)) ?? openPolicy(projectId);
    const violations = [
      ...evaluatePolicy(policy, facts),
      ...(profile ? evaluateProfile(profile, facts) : []),
    ];
    if (violations.length > 0) throw policyViolationError(violations);
  }

  return {
    createProfile,
    updateProfile,
    deleteProfile,
    getProfile,
    listProfiles,
    getPolicy,
    putPolicy,
    checkIssuance,
  };
}

function mapWriteError(error: unknown, name: string, projectId: string): unknown {
  if (isUniqueViolation(error)) {
    return conflict(`A profile named "${name}" already exists in this project.`, [
      { field: "name" },
    ]);
  }
  if (isForeignKeyViolation(error)) return notFound("project", projectId);
  return error;
}

export type ProfilesService = ReturnType<typeof createProfilesService>;
