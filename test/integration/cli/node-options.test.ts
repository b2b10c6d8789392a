import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { REPO_ROOT } from "./cli-process.js";

// `npm start` and the package's `certsmith` bin start the same server, so they give node the
// same options (docs/architecture.md, "Start-up and memory"): the first in package.json's start
// script, the second on the `#!` line that tsc and the bundler copy from src/main.ts.
describe("node options of the server process", () => {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
    bin: { certsmith: string };
  };

  it("are the same for npm start and the certsmith bin", () => {
    const start = /^node((?: --[\w-]+=\S+)*) dist\/main\.js serve$/.exec(manifest.scripts.start);
    expect(start, manifest.scripts.start).not.toBeNull();
    const firstLine = readFileSync(path.join(REPO_ROOT, "src/main.ts"), "utf8").split("\n")[0];
    const shebang = /^#!\/usr\/bin\/env -S node((?: --[\w-]+=\S+)*)$/.exec(firstLine ?? "");
    expect(shebang, firstLine).not.toBeNull();
    expect(shebang?.[1]).toBe(start?.[1]);
    expect(manifest.bin.certsmith).toBe("dist/main.js");
  });

  it("keep V8's young generation small (idle RSS, issue 2)", () => {
    expect(manifest.scripts.start).toMatch(/ --max-semi-space-size=\d+ /);
  });
});
