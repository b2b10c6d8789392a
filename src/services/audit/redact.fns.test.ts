import { describe, expect, it } from "vitest";

import { isSecretName, REDACTED, redactDetails } from "./redact.fns.js";

describe("isSecretName", () => {
  it.each([
    "password",
    "new_password",
    "newPassword",
    "Passphrase",
    "pin",
    "so-pin",
    "userPin",
    "token",
    "csrf_token",
    "accessToken",
    "client_secret",
    "private_key",
    "privateKey",
    "PRIVATE_KEY",
    "api_key",
    "apiKey",
    "SAD",
    "Authorization",
  ])("treats %s as a secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    "name",
    "key_id",
    "api_key_id",
    "token_prefix",
    "password_changed_at",
    "pin_policy",
    "public_key_sha256",
    "shipping",
    "pinned",
    "spin",
  ])("keeps %s", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe("redactDetails", () => {
  it("redacts secrets at any depth, in objects inside arrays too, and keeps everything else", () => {
    const out = redactDetails({
      name: "ci",
      password: "hunter2hunter2",
      nested: { deeper: { clientSecret: "s3cr3t", keep: 1 } },
      keys: [{ private_key: "MII…", label: "a" }],
    });
    expect(out).toEqual({
      name: "ci",
      password: REDACTED,
      nested: { deeper: { clientSecret: REDACTED, keep: 1 } },
      keys: [{ private_key: REDACTED, label: "a" }],
    });
  });

  it("redacts a PEM private key whatever member holds it", () => {
    const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE…\n-----END EC PRIVATE KEY-----";
    expect(redactDetails({ note: pem, list: [pem] })).toEqual({
      note: REDACTED,
      list: [REDACTED],
    });
  });

  it("turns what JSON cannot hold into plain data instead of throwing", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const out = redactDetails({
      cycle,
      big: 12n,
      when: new Date("2026-11-23T10:00:00.000Z"),
      bytes: Buffer.from("abc"),
      nan: Number.NaN,
      missing: undefined,
    });
    expect(out).toEqual({
      cycle: { a: 1, self: "[circular]" },
      big: "12",
      when: "2026-11-23T10:00:00.000Z",
      bytes: "[3 bytes]",
      nan: null,
    });
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it("bounds depth and string length", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(redactDetails(deep))).toContain("[truncated]");
    const long = redactDetails({ s: "x".repeat(10_000) }).s as string;
    expect(long.length).toBeLessThan(5_000);
    expect(long.endsWith("[truncated]")).toBe(true);
  });
});
