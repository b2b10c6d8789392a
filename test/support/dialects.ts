import type { Dialect } from "../../src/store/db.js";

/** Every store test runs on each of these; CERTSMITH_TEST_DIALECTS=sqlite narrows the list. */
export const DIALECTS: Dialect[] = (process.env.CERTSMITH_TEST_DIALECTS ?? "sqlite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter((d): d is Dialect => d === "sqlite" || d === "postgres");
