import { describe, expect, it } from "vitest";

import { nameConstraintViolations } from "./name-constraints.fns.js";

const dns = (value: string) => ({ type: "dns" as const, value });

describe("nameConstraintViolations (RFC 5280 §4.2.1.10)", () => {
  const corp = {
    permitted: [
      { type: "dns" as const, value: "corp.example" },
      { type: "ip" as const, value: "10.0.0.0/8" },
      { type: "email" as const, value: ".corp.example" },
    ],
    excluded: [{ type: "dns" as const, value: "secret.corp.example" }],
  };

  it("allows names inside the permitted subtrees", () => {
    expect(
      nameConstraintViolations(
        [
          dns("corp.example"),
          dns("www.corp.example"),
          dns("*.apps.corp.example"),
          { type: "ip", value: "10.20.30.40" },
          { type: "email", value: "ops@mail.corp.example" },
          { type: "uri", value: "https://api.corp.example/x" },
        ],
        [corp],
      ),
    ).toEqual([]);
  });

  it("reports names outside the permitted subtrees or inside an excluded one", () => {
    const rules = nameConstraintViolations(
      [
        dns("corp.example.evil"),
        dns("db.secret.corp.example"),
        { type: "ip", value: "192.168.1.1" },
        { type: "email", value: "ops@corp.example" },
      ],
      [corp],
    ).map((v) => [v.rule, v.offending_value]);
    expect(rules).toEqual([
      ["ca.name_constraints", "corp.example.evil"],
      ["ca.name_constraints", "db.secret.corp.example"],
      ["ca.name_constraints", "192.168.1.1"],
      ["ca.name_constraints", "ops@corp.example"],
    ]);
  });

  it("leaves name types without constraints free, and applies every CA of the chain", () => {
    const onlyDns = { permitted: [{ type: "dns" as const, value: "example.test" }] };
    expect(nameConstraintViolations([{ type: "ip", value: "192.0.2.1" }], [onlyDns])).toEqual([]);
    const upper = { excluded: [{ type: "dns" as const, value: "a.example.test" }] };
    expect(nameConstraintViolations([dns("x.a.example.test")], [onlyDns, upper])).toHaveLength(1);
  });
});
