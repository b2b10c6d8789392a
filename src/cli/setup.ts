import { readFileSync } from "node:fs";

import { createApp } from "../app/create-app.js";
import type { Config } from "../config/config.types.js";
import { isAppError } from "../lib/errors.js";

export interface SetupArgs {
  username: string | undefined;
  passwordFile: string | undefined;
  organization: string | undefined;
  project: string | undefined;
}

/** The password is read from a file (never a flag: flags show up in `ps` and shell history). */
function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SetupCliError(`cannot read --password-file ${file}: ${(error as Error).message}`);
  }
  return text.replace(/\r?\n$/, "");
}

export class SetupCliError extends Error {}

/**
 * `certsmith setup`: the first-run wizard in one non-interactive step, for automation. Fails with
 * one line when setup is already complete or an input breaks a rule.
 */
export async function runSetup(config: Config, args: SetupArgs): Promise<string> {
  if (!args.username) throw new SetupCliError("setup needs --username NAME");
  if (!args.passwordFile) throw new SetupCliError("setup needs --password-file FILE");
  const password = readPassword(args.passwordFile);
  // The API role builds services without starting background workers; nothing listens.
  const app = await createApp({ ...config, role: "api" });
  try {
    const result = await app.identity.setup.bootstrap({
      username: args.username,
      password,
      organization: args.organization,
      project: args.project,
    });
    const project = result.project
      ? `, project "${result.project.name}" (${result.project.id})`
      : "";
    return `setup complete: admin "${result.admin.username}" (${result.admin.id})${project}\n`;
  } catch (error) {
    if (isAppError(error)) {
      const field = error.details[0]?.field;
      const detail = typeof field === "string" ? ` (${field})` : "";
      throw new SetupCliError(`${error.message}${detail}`);
    }
    throw error;
  } finally {
    await app.close();
  }
}
