import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

import type SQLite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  startSqliteCheckpointer,
  type SqliteCheckpointer,
} from "../../../src/store/sqlite-checkpointer.js";

const Driver = createRequire(import.meta.url)("better-sqlite3") as typeof SQLite;

const TICK_MS = 50;
const ROW = "x".repeat(2_000);

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const startedAt = Date.now(); !condition();) {
    if (Date.now() - startedAt > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("SQLite WAL checkpointer", () => {
  let dir: string;
  let file: string;
  let database: SQLite.Database;
  let checkpointer: SqliteCheckpointer;
  const autocheckpoint = () => database.pragma("wal_autocheckpoint", { simple: true });
  const fileBytes = () => statSync(file).size;
  /** One tick's worth of committed rows: far more than `busyChanges`. */
  const writeBurst = () => {
    const insert = database.prepare("INSERT INTO rows (body) VALUES (?)");
    for (let i = 0; i < 200; i++) insert.run(ROW);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-checkpointer-"));
    file = path.join(dir, "test.db");
    database = new Driver(file);
    database.pragma("journal_mode = WAL");
    database.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    database.pragma("wal_checkpoint(TRUNCATE)");
    checkpointer = startSqliteCheckpointer(database, file, {
      tickMs: TICK_MS,
      busyChanges: 100,
      idleTicks: 3,
    });
  });

  afterEach(async () => {
    await checkpointer.stop();
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves checkpoints to the connection while it writes little", async () => {
    database.prepare("INSERT INTO rows (body) VALUES (?)").run(ROW);
    await new Promise((resolve) => setTimeout(resolve, TICK_MS * 4));
    expect(checkpointer.isActive()).toBe(false);
    expect(autocheckpoint()).toBe(1_000);
  });

  it("checkpoints in a worker under write load, then hands checkpoints back when idle", async () => {
    await until(() => {
      writeBurst();
      return checkpointer.isActive();
    }, "the worker starts");
    expect(autocheckpoint()).toBe(0);

    // This connection no longer checkpoints, so only the worker can move pages into the file.
    const sizeWhenStarted = fileBytes();
    await until(() => {
      writeBurst();
      return fileBytes() > sizeWhenStarted + 1_000_000;
    }, "the worker copies WAL pages into the database file");

    await until(() => !checkpointer.isActive(), "the idle worker exits");
    expect(autocheckpoint()).toBe(1_000);
    expect(database.prepare("SELECT count(*) FROM rows").pluck().get()).toBeGreaterThan(600);
  });

  it("stops a running worker when asked", async () => {
    await until(() => {
      writeBurst();
      return checkpointer.isActive();
    }, "the worker starts");
    await checkpointer.stop();
    expect(checkpointer.isActive()).toBe(false);
    expect(autocheckpoint()).toBe(1_000);
  });
});
