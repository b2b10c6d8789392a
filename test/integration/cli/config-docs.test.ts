import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { SETTINGS } from "../../../src/config/settings.js";

import { CONFIGURATION_DOC, documentedTable, settingsTable } from "./config-table.js";

const document = readFileSync(CONFIGURATION_DOC, "utf8");
const table = documentedTable(document);

/** The documented table's rows, keyed by flag, each as its cells. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of (table ?? "").split("\n").slice(2)) {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((text) => text.trim());
    rows.set(cells[0] ?? "", cells);
  }
  return rows;
}

describe("docs/configuration.md", () => {
  it("holds the settings table exactly as generated from src/config/settings.ts", () => {
    expect(table, "the table markers are missing").not.toBeNull();
    // On failure: npx tsx test/integration/cli/config-table.ts --write
    expect(table).toBe(settingsTable());
  });

  it("documents every setting once, with its flag, environment variable, key and default, and nothing else", () => {
    const rows = documentedRows();
    const settings = Object.values(SETTINGS);
    expect([...rows.keys()].sort()).toEqual(settings.map((s) => `\`--${s.flag}\``).sort());
    for (const setting of settings) {
      const [, env, key, defaultCell] = rows.get(`\`--${setting.flag}\``)!;
      expect(env).toBe(`\`${setting.env}\``);
      expect(key).toBe(`\`${setting.key}\``);
      const fallback = setting.default === "" ? "(none)" : `\`${String(setting.default)}\``;
      expect(defaultCell).toBe(fallback);
    }
  });
});
