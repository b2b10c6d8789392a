import type { Clock } from "../../lib/clock.js";
import { validationFailed } from "../../lib/errors.js";
import type { Db } from "../../store/db.js";
import type { Actor } from "../actor.js";
import type { AuditService } from "../audit/audit.service.js";

import * as repo from "./csc.repo.js";
import type { CscConfig, UpdateCscConfigInput } from "./csc.types.js";
import { LOGO_MAX_BYTES, LOGO_MAX_PIXELS, logoFacts } from "./logo.fns.js";

export interface CscConfigServiceDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}

/** The `authType` values this server implements (csc-api-v2.md §2, §9 profile). */
export const SUPPORTED_AUTH_TYPES = ["basic"] as const;

/** RFC 5646 language tags, in the simple form services announce (`en`, `en-US`, `de-CH`). */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function check(input: UpdateCscConfigInput): void {
  if (input.name !== undefined && (input.name.trim() === "" || input.name.length > 255)) {
    throw validationFailed("The name has 1 to 255 characters.", [{ field: "name" }]);
  }
  if (input.region !== undefined && !/^[A-Z]{2}$/.test(input.region)) {
    throw validationFailed("The region is an ISO 3166-1 alpha-2 country code, e.g. DE.", [
      { field: "region", rule: "iso3166_alpha2" },
    ]);
  }
  if (input.lang !== undefined && !LANGUAGE_TAG.test(input.lang)) {
    throw validationFailed("The language is an RFC 5646 tag, e.g. en-US.", [
      { field: "lang", rule: "rfc5646" },
    ]);
  }
  if (input.description !== undefined && input.description.length > 255) {
    throw validationFailed("The description has at most 255 characters.", [
      { field: "description" },
    ]);
  }
  if (input.authTypes !== undefined) {
    const unknown = input.authTypes.filter(
      (t) => !(SUPPORTED_AUTH_TYPES as readonly string[]).includes(t),
    );
    if (input.authTypes.length === 0 || unknown.length > 0) {
      throw validationFailed("Certsmith offers these authentication types.", [
        { field: "auth_types", allowed: SUPPORTED_AUTH_TYPES },
      ]);
    }
  }
}

function checkLogo(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes);
  if (buffer.length > LOGO_MAX_BYTES) {
    throw validationFailed(`The logo is at most ${LOGO_MAX_BYTES} bytes.`, [
      { field: "logo", rule: "max_bytes", allowed: LOGO_MAX_BYTES },
    ]);
  }
  const facts = logoFacts(buffer);
  if (!facts) {
    throw validationFailed("The logo must be a PNG or JPEG image.", [
      { field: "logo", rule: "png_or_jpeg" },
    ]);
  }
  if (facts.width > LOGO_MAX_PIXELS || facts.height > LOGO_MAX_PIXELS || facts.width === 0) {
    throw validationFailed(`The logo is at most ${LOGO_MAX_PIXELS}×${LOGO_MAX_PIXELS} pixels.`, [
      { field: "logo", rule: "max_pixels", width: facts.width, height: facts.height },
    ]);
  }
  return facts.contentType;
}

/** Seed 001's "CSC Configuration" tab: the values `/csc/v2/info` announces. */
export function createCscConfigService(deps: CscConfigServiceDeps) {
  const { db, clock, audit } = deps;

  function getConfig(): Promise<CscConfig> {
    return repo.getConfig(db);
  }

  async function updateConfig(actor: Actor, input: UpdateCscConfigInput): Promise<CscConfig> {
    check(input);
    const logoType =
      input.logo === undefined || input.logo === null ? null : checkLogo(input.logo.bytes);
    const changes = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.region !== undefined ? { region: input.region } : {}),
      ...(input.lang !== undefined ? { lang: input.lang } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.authTypes !== undefined ? { auth_types: JSON.stringify(input.authTypes) } : {}),
      ...(input.logo === null ? { logo: null, logo_content_type: null } : {}),
      ...(input.logo && logoType
        ? { logo: Buffer.from(input.logo.bytes), logo_content_type: logoType }
        : {}),
      updated_at: clock.now().getTime(),
    };
    const fields = Object.keys(input).filter(
      (k) => input[k as keyof UpdateCscConfigInput] !== undefined,
    );
    const spec = { action: "csc_config.update", targetType: "csc_config", details: { fields } };
    await audit.record(actor, spec, (trx) => repo.updateConfig(trx, changes));
    return repo.getConfig(db);
  }

  function getLogo() {
    return repo.getLogo(db);
  }

  return { getConfig, updateConfig, getLogo };
}

export type CscConfigService = ReturnType<typeof createCscConfigService>;
