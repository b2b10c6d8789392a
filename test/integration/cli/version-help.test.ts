import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it, vi } from "vitest";

import { COMMANDS } from "../../../src/cli/usage.js";
import { SETTINGS } from "../../../src/config/settings.js";

import { PROCESS_TEST_TIMEOUT_MS, REPO_ROOT, runCli } from "./cli-process.js";

vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS });

const packageVersion = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

describe("certsmith version and help", () => {
  it("prints the package version and exits 0", async () => {
    const result = await runCli(["version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`certsmith ${packageVersion}\n`);
    expect(result.stderr).toBe("");
  });

  it("lists every command on --help", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: certsmith \[COMMAND\]/);
    for (const command of Object.keys(COMMANDS)) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it("lists every setting's flag and environment variable on serve --help", async () => {
    const result = await runCli(["serve", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: certsmith serve \[OPTIONS\]/);
    expect(result.stdout).toContain("--config FILE");
    for (const setting of Object.values(SETTINGS)) {
      expect(result.stdout).toContain(`--${setting.flag} VALUE`);
      expect(result.stdout).toContain(setting.env);
    }
  });

  it("prints usage for migrate --help without touching a database", async () => {
    const result = await runCli([
      "migrate",
      "--help",
      "--database-url",
      "postgres://nobody@127.0.0.1:1/x",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: certsmith migrate \[OPTIONS\]/);
  });
});
