import { createHmac, randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from "node:fs";
import path from "node:path";

import { KeyStoreConfigError } from "../errors.js";

import { AES_KEY_BYTES } from "./envelope.js";

/** The key-encryption key (KEK) of the software backend, with its check value. */
export interface MasterKey {
  /** Short public name of this KEK, stored with each wrapped data key. */
  readonly id: string;
  readonly checkValue: string;
  readonly key: Buffer;
  /** Where it came from, for messages ("CERTSMITH_MASTER_KEY" or the file path). */
  readonly source: string;
}

export interface MasterKeySource {
  /** Base64 of 32 bytes (config `master_key` / CERTSMITH_MASTER_KEY), or null to use the file. */
  masterKey: string | null;
  masterKeyFile: string;
}

const CHECK_LABEL = "certsmith/master-key-check/v1";

function decodeKey(base64: string, source: string): Buffer {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, "base64");
  // Buffer.from skips invalid characters silently: compare the round trip to catch typos.
  if (key.length !== AES_KEY_BYTES || key.toString("base64") !== trimmed) {
    throw new KeyStoreConfigError(
      `${source} must hold base64 of ${AES_KEY_BYTES} random bytes (e.g. from "openssl rand -base64 32")`,
    );
  }
  return key;
}

function withCheck(key: Buffer, source: string): MasterKey {
  const checkValue = createHmac("sha256", key).update(CHECK_LABEL).digest("hex");
  return { id: checkValue.slice(0, 16), checkValue, key, source };
}

/** Whether the file exists; other errors (permissions) surface as configuration errors. */
export function masterKeyFileExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new KeyStoreConfigError(
      `cannot read the master key file ${file}: ${(error as Error).message}`,
    );
  }
}

/**
 * The master key from config, else from the file. `mayCreate` allows writing a new random key
 * to a missing file (first start, nothing sealed yet); the file is created exclusively, so an
 * existing key is never overwritten, and with mode 0600.
 */
export function loadMasterKey(source: MasterKeySource, mayCreate: boolean): MasterKey {
  if (source.masterKey !== null) {
    return withCheck(decodeKey(source.masterKey, "CERTSMITH_MASTER_KEY"), "CERTSMITH_MASTER_KEY");
  }
  const file = source.masterKeyFile;
  if (!masterKeyFileExists(file)) {
    if (!mayCreate) {
      throw new KeyStoreConfigError(
        `the master key file ${file} is missing, but this database holds keys sealed under a master key: restore the file or set CERTSMITH_MASTER_KEY`,
      );
    }
    return withCheck(createKeyFile(file), file);
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeyStoreConfigError(
      `the master key file ${file} is readable by others (mode ${mode.toString(8)}): run "chmod 600 ${file}"`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new KeyStoreConfigError(
      `cannot read the master key file ${file}: ${(error as Error).message}`,
    );
  }
  return withCheck(decodeKey(text, `the master key file ${file}`), file);
}

function createKeyFile(file: string): Buffer {
  const key = randomBytes(AES_KEY_BYTES);
  let fd: number;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // "wx": fail if the file appeared meanwhile (another node, another process) — never overwrite.
    fd = openSync(file, "wx", 0o600);
  } catch (error) {
    throw new KeyStoreConfigError(
      `cannot create the master key file ${file}: ${(error as Error).message}`,
    );
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${key.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}
