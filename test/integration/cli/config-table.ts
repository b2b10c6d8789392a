import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { SETTINGS, type Setting } from "../../../src/config/settings.js";

/**
 * The settings table of docs/configuration.md, generated from src/config/settings.ts (the one
 * schema). config-docs.test.ts fails when the document and the schema disagree; to refresh it:
 *
 *   npx tsx test/integration/cli/config-table.ts --write
 */

export const CONFIGURATION_DOC = fileURLToPath(
  new URL("../../../docs/configuration.md", import.meta.url),
);
export const TABLE_START = "<!-- settings-table:start (generated from src/config/settings.ts) -->";
export const TABLE_END = "<!-- settings-table:end -->";

/** Markdown-safe cell text: pipes escaped, and `<…>` outside code spans kept from reading as HTML. */
function cell(text: string): string {
  return text
    .split("`")
    .map((part, index) =>
      index % 2 === 1 ? part : part.replaceAll("<", "&lt;").replaceAll(">", "&gt;"),
    )
    .join("`")
    .replaceAll("|", "\\|")
    .replaceAll("\n", " ");
}

function defaultText(setting: Setting<unknown>): string {
  const value = setting.default;
  if (typeof value !== "string" && typeof value !== "number") return "(computed)";
  return value === "" ? "(none)" : `\`${value}\``;
}

export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((entry) => {
    const setting = entry as Setting<unknown>;
    const meaning = setting.secret
      ? `${setting.description} Secret: never logged or echoed.`
      : setting.description;
    return `| \`--${setting.flag}\` | \`${setting.env}\` | \`${setting.key}\` | ${cell(defaultText(setting))} | ${cell(meaning)} |`;
  });
  return [
    "| Flag | Environment variable | Config file key | Default | Meaning |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The table as it stands in the document (between the markers), or null without markers. */
export function documentedTable(document: string): string | null {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) return null;
  return document.slice(start + TABLE_START.length, end).trim();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes("--write")) {
    process.stdout.write(`${settingsTable()}\n`);
  } else {
    const document = readFileSync(CONFIGURATION_DOC, "utf8");
    const start = document.indexOf(TABLE_START);
    const end = document.indexOf(TABLE_END);
    if (start < 0 || end < start) throw new Error(`markers not found in ${CONFIGURATION_DOC}`);
    const updated = `${document.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${document.slice(end)}`;
    writeFileSync(CONFIGURATION_DOC, updated);
    process.stdout.write(`updated ${CONFIGURATION_DOC}\n`);
  }
}
