// Job types that exist only in these tests, typed like any domain's (src/jobs/job.types.ts).
declare module "../../../../src/jobs/job.types.js" {
  interface JobPayloads {
    "test.record": { n: number };
    "test.fail": { reason: string };
    "test.block": { label: string };
  }
}

export {};
