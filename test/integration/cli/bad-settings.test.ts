import { writeFileSync } from "node:fs";
import path from "node:path";

import { afterAll, describe, expect, it, vi } from "vitest";

import { PROCESS_TEST_TIMEOUT_MS, runCli, tempDir } from "./cli-process.js";

vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS });

const scratch = tempDir("cli-bad");
afterAll(() => scratch.remove());

/** A refused start: exit 2, nothing on stdout, exactly one line on stderr, and no stack trace. */
async function expectRefusal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runCli(args, { env });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/Error:/);
  return lines[0]!;
}

describe("a bad setting stops start-up with one line naming it", () => {
  it("names --port when the port is not a number", async () => {
    const line = await expectRefusal(["serve", "--port", "abc", "--data-dir", scratch.dir]);
    expect(line).toContain("--port");
    expect(line).toContain('"abc"');
  });

  it("names the environment variable when the bad value came from the environment", async () => {
    const line = await expectRefusal(["serve", "--data-dir", scratch.dir], {
      CERTSMITH_PORT: "70000",
    });
    expect(line).toContain("CERTSMITH_PORT");
    expect(line).toContain("0 to 65535");
  });

  it("names --log-level and the allowed levels", async () => {
    const line = await expectRefusal(["serve", "--log-level", "loud", "--data-dir", scratch.dir]);
    expect(line).toContain("--log-level");
    expect(line).toContain("debug");
  });

  it("names a config file that cannot be read", async () => {
    const missing = path.join(scratch.dir, "missing.json");
    const line = await expectRefusal(["serve", "--config", missing]);
    expect(line).toContain(missing);
    expect(line).toContain("cannot be read");
  });

  it("names a config file that is not JSON", async () => {
    const file = path.join(scratch.dir, "broken.json");
    // No trailing newline: Node's JSON.parse message quotes the text, newline included, which
    // would make the line two (reported against src/config/load.ts).
    writeFileSync(file, "port = 8080");
    const line = await expectRefusal(["serve", "--config", file]);
    expect(line).toContain(file);
    expect(line).toContain("not valid JSON");
  });

  it("names the key of a bad value in the config file", async () => {
    const file = path.join(scratch.dir, "bad-role.json");
    writeFileSync(file, JSON.stringify({ role: "everything", data_dir: scratch.dir }));
    const line = await expectRefusal(["serve", "--config", file]);
    expect(line).toContain('config file key "role"');
  });

  it("refuses an unknown flag and an unknown command", async () => {
    expect(await expectRefusal(["serve", "--colour", "blue"])).toContain("--colour");
    expect(await expectRefusal(["bogus"])).toContain('"bogus"');
  });

  it("never echoes a secret it refuses", async () => {
    const line = await expectRefusal(["migrate", "--database-url", "mysql://root:hunter2@db/x"]);
    expect(line).toContain("--database-url");
    expect(line).not.toContain("hunter2");
  });
});
