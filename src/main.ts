#!/usr/bin/env -S node --max-semi-space-size=4
import { parseArgs } from "node:util";

import { VERSION } from "./app/version.js";
import { COMMANDS, usage, type CommandName } from "./cli/usage.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { SETTINGS } from "./config/settings.js";
import { KeyStoreConfigError } from "./keys/errors.js";
import { MigrationError, migrateToLatest, openStore } from "./store/db.js";

function fail(message: string, code = 2): never {
  process.stderr.write(`certsmith: ${message}\n`);
  process.exit(code);
}

function parseCommandLine(argv: string[]) {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    config: { type: "string" },
    help: { type: "boolean", short: "h" },
    // `certsmith setup` only.
    username: { type: "string" },
    "password-file": { type: "string" },
    organization: { type: "string" },
    project: { type: "string" },
  };
  for (const setting of Object.values(SETTINGS)) options[setting.flag] = { type: "string" };
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    fail(`${(error as Error).message} (see "certsmith --help")`);
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv);
  const [name = "serve", ...extra] = positionals;
  if (!(name in COMMANDS)) fail(`unknown command "${name}" (see "certsmith --help")`);
  const command = name as CommandName;
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}" for "${command}"`);
  if (command === "help") {
    process.stdout.write(usage());
    return;
  }
  if (values.help) {
    process.stdout.write(usage(positionals.length === 0 ? undefined : command));
    return;
  }
  if (command === "version") {
    process.stdout.write(`certsmith ${VERSION}\n`);
    return;
  }

  const { username, "password-file": passwordFile, organization, project, ...flags } = values;
  if (
    command !== "setup" &&
    [username, passwordFile, organization, project].some((v) => v !== undefined)
  ) {
    fail(`--username, --password-file, --organization and --project belong to "setup"`);
  }
  let config;
  try {
    config = loadConfig({
      flags,
      env: process.env,
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  if (command === "migrate") {
    const store = openStore(config.database);
    try {
      const result = await migrateToLatest(store.db);
      const applied = result.results?.map((r) => r.migrationName) ?? [];
      process.stdout.write(
        applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n",
      );
    } finally {
      await store.close();
    }
    return;
  }
  if (command === "setup") {
    const { runSetup, SetupCliError } = await import("./cli/setup.js");
    try {
      process.stdout.write(
        await runSetup(config, {
          username: username as string | undefined,
          passwordFile: passwordFile as string | undefined,
          organization: organization as string | undefined,
          project: project as string | undefined,
        }),
      );
    } catch (error) {
      if (error instanceof SetupCliError) fail(error.message, 1);
      throw error;
    }
    return;
  }
  const { serve } = await import("./cli/serve.js");
  await serve(config);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof MigrationError || error instanceof ConfigError) fail(error.message, 1);
  if (error instanceof KeyStoreConfigError) fail(`key custody: ${error.message}`, 1);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
    fail(`cannot listen: ${(error as Error).message}`, 1);
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "28P01" || code === "3D000") {
    fail(`cannot reach the database: ${(error as Error).message}`, 1);
  }
  process.stderr.write(`certsmith: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
