import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

import { validationFailed } from "../../lib/errors.js";

/**
 * scrypt (RFC 7914) with a per-user random salt. N=2^15, r=8, p=1 costs ~32 MiB and tens of
 * milliseconds per guess; parameters are stored with each hash so they can be raised later.
 */
const PARAMS = { logN: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS.logN, PARAMS.r, PARAMS.p);
  return `scrypt$${PARAMS.logN}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** A hash nobody's password matches: verifying against it costs the same as a real one. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(32).toString("base64")));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(
    password,
    Buffer.from(salt, "base64"),
    Number(logN),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** The minimum policy: long enough, not the username. */
export function checkPasswordPolicy(password: string, username: string, field = "password"): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw validationFailed(`A password has at least ${PASSWORD_MIN_LENGTH} characters.`, [
      { field, rule: "min_length", allowed: PASSWORD_MIN_LENGTH },
    ]);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw validationFailed(`A password has at most ${PASSWORD_MAX_LENGTH} characters.`, [
      { field, rule: "max_length" },
    ]);
  }
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    throw validationFailed("The password must not be the username.", [
      { field, rule: "not_username" },
    ]);
  }
}
