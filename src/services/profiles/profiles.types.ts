import type { KeyUsage } from "../../pki/extensions.js";
import type { GeneralNameType } from "../../pki/general-names.js";
import type { Subject } from "../../pki/names.js";
import type { KeyType } from "../../pki/signer.js";

/** Which SANs a profile accepts. */
export interface SanRules {
  /** SAN types a request may carry; absent → all (dns, ip, email, uri). */
  allowedTypes?: GeneralNameType[];
  /** At most this many SANs; absent → the server-wide limit. */
  maxCount?: number;
  /** At least one SAN is required. */
  isRequired?: boolean;
}

/** An issuance profile (seed 002 templates): defaults and limits for certificates issued with it. */
export interface Profile {
  id: string;
  projectId: string;
  name: string;
  description: string;
  /** The CA that issues with this profile when the request names none. */
  caId: string | null;
  /** Null → any key type. */
  allowedKeyTypes: KeyType[] | null;
  /** Key type for server-generated keys when the request names none. */
  defaultKeyType: KeyType | null;
  validityDays: number;
  /** Longest validity a request may ask for; null → `validityDays` is also the maximum. */
  maxValidityDays: number | null;
  keyUsage: KeyUsage[];
  extendedKeyUsage: string[];
  subjectDefaults: Subject;
  sanRules: SanRules;
  renewalWindowDays: number;
  /** Whether a server-generated key may be downloaded (PKCS#12, JKS, zip). */
  allowKeyDownload: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ProfileInput = Omit<
  Profile,
  "id" | "projectId" | "createdBy" | "createdAt" | "updatedAt"
>;

/** A project's issuance policy (seed 004): enforced on every issuance in the project. */
export interface ProjectPolicy {
  projectId: string;
  /** Null → any. */
  allowedKeyTypes: KeyType[] | null;
  maxValidityDays: number | null;
  /** Domain patterns DNS names must match (see policy.fns.ts); null → any. */
  allowedDomains: string[] | null;
  allowWildcards: boolean;
  requireSan: boolean;
  /** Null while the project has never set a policy (the defaults apply). */
  updatedAt: Date | null;
  updatedBy: string | null;
}

export type PolicyInput = Omit<ProjectPolicy, "projectId" | "updatedAt" | "updatedBy">;

/** One broken rule, rendered exactly as seed 004 §07 shows: `{rule, offending_value, allowed}`. */
export interface PolicyViolation {
  rule: string;
  offending_value: unknown;
  allowed: unknown;
  /** A sentence for the error message. */
  message: string;
}
