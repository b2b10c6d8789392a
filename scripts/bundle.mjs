// Bundles the compiled server (tsc's dist/main.js and everything it imports) into one ES module,
// dist/main.js, plus chunks for what it imports on demand, so `certsmith serve` starts without
// resolving and compiling ~1,000 separate module files: on Node 20 that alone took about half of
// the cold start (issue 2: ≤ 1 s).
//
// Only pure-JavaScript packages made of many small ES modules are inlined (INLINED); every other
// package stays an ordinary import from node_modules: native addons (better-sqlite3, pkcs11js),
// packages that find files or start workers beside their own code (pino's transports, Swagger
// UI's assets), and CommonJS packages, which Node loads quickly already.
//
// `node scripts/bundle.mjs` after `tsc -p tsconfig.build.json` (`npm run build` runs both);
// `node scripts/bundle.mjs ENTRY NAME` bundles another file of dist/ the same way into
// dist/NAME.js (the startup-phases bench times its child's imports on such a bundle).
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(REPO_ROOT, "dist");
const BUNDLE_MARK = "// Bundled by scripts/bundle.mjs from tsc's output.";

/** Packages inlined into the bundle; each was hundreds of ES module files (typebox ~370, kysely ~260). */
const INLINED = new Set(["typebox", "kysely"]);

function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * esbuild options for a bundle of `entry` (a file of dist/) written to dist/NAME.js. What the code
 * loads with `import()` (the serve and setup commands, Cisco's ITL builders) goes to chunks in
 * dist/chunks/NAME/, loaded when first imported; without splitting, esbuild would hoist the
 * packages those import to the top of the bundle and load them at start. Output stays inside the
 * repository so that the packages left external resolve from its node_modules.
 */
function bundleOptions(entry, name) {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  return {
    entryPoints: [{ in: entry, out: name }],
    outdir: DIST,
    chunkNames: `chunks/${name}/[name]-[hash]`,
    splitting: true,
    allowOverwrite: true,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // No comments or indentation: V8 keeps each module's source in memory, as two bytes a
    // character once a comment holds one non-Latin-1 character ("…"), and parses all of it.
    // Names are kept, so stack traces stay readable; the .map files give the positions.
    minifyWhitespace: true,
    sourcemap: "linked",
    logLevel: "warning",
    banner: { js: BUNDLE_MARK },
    plugins: [
      {
        name: "certsmith-externals",
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith("node:")) return { path: args.path, external: true };
            return INLINED.has(packageName(args.path)) ? undefined : { external: true };
          });
          // app/version.js reads ../../package.json beside itself, which a bundle is not: the
          // bundle carries the version it was built from.
          pluginBuild.onLoad({ filter: /[\\/]dist[\\/]app[\\/]version\.js$/ }, () => ({
            contents: `export const VERSION = ${JSON.stringify(version)};\n`,
            loader: "js",
          }));
        },
      },
    ],
  };
}

const [entry = path.join(DIST, "main.js"), name = "main"] = process.argv.slice(2);
// dist/main.js is bundled in place, so only tsc's version of it can be bundled.
if (readFileSync(entry, "utf8").includes(BUNDLE_MARK)) {
  process.stderr.write(`${entry} is a bundle already: run "npm run build" (tsc, then this)\n`);
  process.exit(1);
}
// Chunks of an earlier build have other hashes: nothing may load them any more.
rmSync(path.join(DIST, "chunks", name), { recursive: true, force: true });
await build(bundleOptions(path.resolve(entry), name));
