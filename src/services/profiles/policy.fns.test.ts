import { describe, expect, it } from "vitest";

import {
  domainAllowed,
  evaluatePolicy,
  evaluateProfile,
  isAddressPattern,
  policyViolationError,
} from "./policy.fns.js";
import type { Profile, ProjectPolicy } from "./profiles.types.js";

const OPEN: ProjectPolicy = {
  projectId: "prj_x",
  allowedKeyTypes: null,
  maxValidityDays: null,
  allowedDomains: null,
  allowWildcards: true,
  requireSan: false,
  updatedAt: null,
  updatedBy: null,
};

const dns = (value: string) => ({ type: "dns", value });

describe("domainAllowed", () => {
  it("lets a plain domain cover itself and every name below it", () => {
    expect(domainAllowed("example.com", "example.com")).toBe(true);
    expect(domainAllowed("a.b.example.com", "example.com")).toBe(true);
    expect(domainAllowed("*.example.com", "example.com")).toBe(true);
    expect(domainAllowed("badexample.com", "example.com")).toBe(false);
    expect(domainAllowed("example.com.evil.net", "example.com")).toBe(false);
  });

  it("lets a wildcard pattern cover names below the domain but not the apex", () => {
    expect(domainAllowed("www.example.com", "*.example.com")).toBe(true);
    expect(domainAllowed("example.com", "*.example.com")).toBe(false);
    expect(domainAllowed("*.example.com", "*.example.com")).toBe(true);
  });
});

describe("evaluatePolicy", () => {
  it("answers in the seed 004 shape for a key type outside the allowed list", () => {
    const violations = evaluatePolicy(
      { ...OPEN, allowedKeyTypes: ["RSA-2048", "RSA-3072"] },
      { keyType: "ECDSA-P256", validityDays: 90, sans: [] },
    );
    const error = policyViolationError(violations);
    expect(error.status).toBe(422);
    expect(error.code).toBe("policy_violation");
    expect(error.message).toBe("Key type ECDSA-P256 is not allowed by this project's policy.");
    expect(error.details).toEqual([
      {
        rule: "allowed_key_types",
        offending_value: "ECDSA-P256",
        allowed: ["RSA-2048", "RSA-3072"],
      },
    ]);
  });

  it("reports every broken rule: validity, wildcards, domains, required SAN", () => {
    const strict: ProjectPolicy = {
      ...OPEN,
      maxValidityDays: 90,
      allowedDomains: ["example.com"],
      allowWildcards: false,
      requireSan: true,
    };
    expect(evaluatePolicy(strict, { keyType: "RSA-2048", validityDays: 90, sans: [] })).toEqual([
      expect.objectContaining({ rule: "require_san" }),
    ]);
    const rules = evaluatePolicy(strict, {
      keyType: "RSA-2048",
      validityDays: 91,
      sans: [dns("*.example.com"), dns("www.other.org"), { type: "email", value: "a@evil.net" }],
    }).map((v) => [v.rule, v.offending_value]);
    expect(rules).toEqual([
      ["max_validity_days", 91],
      ["allow_wildcards", "*.example.com"],
      ["allowed_domains", "www.other.org"],
      ["allowed_domains", "evil.net"],
    ]);
  });

  it("passes a request inside every rule", () => {
    expect(
      evaluatePolicy(
        {
          ...OPEN,
          allowedKeyTypes: ["ECDSA-P256"],
          allowedDomains: ["example.com", "10.0.0.0/8", "2001:db8::1"],
        },
        {
          keyType: "ECDSA-P256",
          validityDays: 3650,
          sans: [
            dns("www.example.com"),
            { type: "ip", value: "10.0.0.1" },
            { type: "ip", value: "2001:db8::1" },
            { type: "uri", value: "https://api.example.com/x" },
            { type: "uri", value: "https://10.1.2.3:8443/" },
          ],
        },
      ),
    ).toEqual([]);
  });

  it("holds IP addresses and URI hosts to allowed_domains too", () => {
    const policy: ProjectPolicy = { ...OPEN, allowedDomains: ["example.com", "192.0.2.0/24"] };
    const rules = evaluatePolicy(policy, {
      keyType: "RSA-2048",
      validityDays: 30,
      sans: [
        { type: "ip", value: "192.0.2.77" },
        { type: "ip", value: "198.51.100.1" },
        { type: "ip", value: "2001:db8::1" },
        { type: "uri", value: "https://evil.net/path" },
        { type: "uri", value: "https://[2001:db8::2]/" },
        { type: "uri", value: "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66" },
        // An address pattern allows no name that merely looks like an address.
        dns("192.0.2.77.nip.io"),
      ],
    }).map((v) => [v.rule, v.offending_value]);
    expect(rules).toEqual([
      ["allowed_domains", "198.51.100.1"],
      ["allowed_domains", "2001:db8::1"],
      ["allowed_domains", "evil.net"],
      ["allowed_domains", "2001:db8::2"],
      ["allowed_domains", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"],
      ["allowed_domains", "192.0.2.77.nip.io"],
    ]);
  });

  it("tells address patterns from domain patterns", () => {
    for (const pattern of ["10.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32", "0.0.0.0/0"]) {
      expect(isAddressPattern(pattern), pattern).toBe(true);
    }
    for (const pattern of [
      "example.com",
      "*.example.com",
      "10.0.0.0/33",
      "::/129",
      "1.2.3.4/8/1",
    ]) {
      expect(isAddressPattern(pattern), pattern).toBe(false);
    }
  });
});

describe("evaluateProfile", () => {
  const profile: Profile = {
    id: "prf_x",
    projectId: "prj_x",
    name: "web",
    description: "",
    caId: null,
    allowedKeyTypes: ["ECDSA-P256"],
    defaultKeyType: "ECDSA-P256",
    validityDays: 90,
    maxValidityDays: null,
    keyUsage: ["digitalSignature"],
    extendedKeyUsage: ["serverAuth"],
    subjectDefaults: {},
    sanRules: { allowedTypes: ["dns"], maxCount: 1, isRequired: true },
    renewalWindowDays: 30,
    allowKeyDownload: false,
    createdBy: "usr_x",
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };

  it("holds validity to validity_days when no maximum is set, and checks SAN rules", () => {
    const rules = evaluateProfile(profile, {
      keyType: "RSA-2048",
      validityDays: 91,
      sans: [dns("a.example.com"), { type: "ip", value: "10.0.0.1" }],
    }).map((v) => v.rule);
    expect(rules).toEqual([
      "profile.allowed_key_types",
      "profile.max_validity_days",
      "profile.max_sans",
      "profile.san_types",
    ]);
    expect(evaluateProfile(profile, { keyType: "ECDSA-P256", validityDays: 30, sans: [] })).toEqual(
      [expect.objectContaining({ rule: "profile.require_san" })],
    );
  });
});
