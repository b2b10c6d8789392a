#!/usr/bin/env node
// Runs every benchmark in bench/, one after the other, and passes their JSON lines through on
// stdout (progress goes to stderr). `npm run bench`; see bench/README.md.
//
// TypeScript benches run under tsx (they reuse the test harness that starts PostgreSQL); .mjs
// benches run on plain Node. Each builds dist/ first if it is missing or stale.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const scripts = readdirSync(benchDir)
  .filter((name) => /\.(ts|mjs)$/.test(name) && !name.endsWith(".d.ts") && name !== "run-all.mjs")
  .filter((name) => only.length === 0 || only.some((wanted) => name.startsWith(wanted)))
  .sort();

const failed = [];
for (const name of scripts) {
  process.stderr.write(`## ${name}\n`);
  const loader = name.endsWith(".ts") ? ["--import", "tsx"] : [];
  const result = spawnSync(process.execPath, [...loader, path.join(benchDir, name)], {
    cwd: path.dirname(benchDir),
    stdio: "inherit",
  });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(", ")}\n`);
  process.exit(1);
}
