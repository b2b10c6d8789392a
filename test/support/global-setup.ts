import type { TestProject } from "vitest/node";

import { DIALECTS } from "./dialects.js";
import { startPostgresCluster, type PostgresCluster } from "./postgres-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string | null;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (DIALECTS.includes("postgres")) {
    cluster = await startPostgresCluster();
    project.provide("postgresAdminUrl", cluster.url());
  } else {
    project.provide("postgresAdminUrl", null);
  }
}

export async function teardown(): Promise<void> {
  await cluster?.destroy();
}
