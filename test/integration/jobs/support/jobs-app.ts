import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { createApp, type App } from "../../../../src/app/create-app.js";
import { createLogger } from "../../../../src/app/logger.js";
import { loadConfig } from "../../../../src/config/load.js";
import { openStore, type Dialect, type Store } from "../../../../src/store/db.js";
import { createTestDatabase, type TestDatabase } from "../../../support/test-store.js";

import "./test-job-types.js";

export interface JobsTestApp {
  app: App;
  database: TestDatabase;
  /** A separate connection, still usable after the app closed its own. */
  observer: Store;
  close(): Promise<void>;
}

/** The real app (createApp) on a fresh database, polling fast. */
export async function createJobsTestApp(
  dialect: Dialect,
  flags: Record<string, string> = {},
): Promise<JobsTestApp> {
  const database = await createTestDatabase(dialect);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "certsmith-jobs-"));
  const config = loadConfig({
    flags: {
      "data-dir": dataDir,
      "database-url": database.config.url,
      "job-poll-interval-ms": "20",
      ...flags,
    },
    env: {},
  });
  const app = await createApp(config, { logger: createLogger("silent") });
  const observer = openStore(database.config);
  return {
    app,
    database,
    observer,
    async close() {
      await app.close();
      await observer.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
