import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's softhsm2 package installs the module here. */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

/** A SoftHSM2 token initialised in its own temp folder (DESIGN.md §4). */
export interface SoftHsmToken {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  /** The SOFTHSM2_CONF file; also set in process.env, which the module reads on C_Initialize. */
  configFile: string;
  /** Environment for child processes (pkcs11-tool, softhsm2-util) that use this token. */
  env: NodeJS.ProcessEnv;
  destroy(): void;
}

/**
 * Creates a fresh token with `softhsm2-util --init-token --free`. SoftHSM2 reads SOFTHSM2_CONF
 * once per process, when the module is initialised, so a test file uses one token (call this in
 * `beforeAll`, before any key store opens the module).
 */
export async function createSoftHsmToken(
  label = `certsmith-${randomBytes(4).toString("hex")}`,
): Promise<SoftHsmToken> {
  if (!existsSync(SOFTHSM_MODULE)) {
    throw new Error(
      `SoftHSM2 is not installed (${SOFTHSM_MODULE} missing): apt-get install softhsm2 opensc, or run scripts/test-all.sh`,
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-softhsm-"));
  const tokenDir = path.join(dir, "tokens");
  mkdirSync(tokenDir);
  const configFile = path.join(dir, "softhsm2.conf");
  writeFileSync(
    configFile,
    [
      `directories.tokendir = ${tokenDir}`,
      "objectstore.backend = file",
      "log.level = ERROR",
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SOFTHSM2_CONF: configFile };
  const pin = randomBytes(6).toString("hex");
  const soPin = randomBytes(6).toString("hex");
  await run(
    "softhsm2-util",
    ["--init-token", "--free", "--label", label, "--so-pin", soPin, "--pin", pin],
    { env },
  );
  process.env.SOFTHSM2_CONF = configFile;
  return {
    modulePath: SOFTHSM_MODULE,
    tokenLabel: label,
    pin,
    soPin,
    configFile,
    env,
    destroy() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
