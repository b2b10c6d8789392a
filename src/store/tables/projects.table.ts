import type { Generated } from "kysely";

export interface ProjectsTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
  /** Bumped on every update: lets optimistic writers detect a lost update. */
  version: Generated<number>;
}
