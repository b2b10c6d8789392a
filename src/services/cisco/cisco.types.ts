/** Domain types of Cisco IP-phone security (issue 6; spec cisco-phone-security.md §2, §5, §6). */

import type { ItlRole } from "../../pki/itl/index.js";

/** What CAPF does when the phone next connects (spec §5.1). */
export const CAPF_OPERATIONS = ["install", "fetch", "delete", "none"] as const;
export type CapfOperation = (typeof CAPF_OPERATIONS)[number];

/**
 * How the phone proves itself (spec §5.1): `none` is Cisco's "By Null String" (U2's "no
 * password"), `password` the authentication string, `certificate` an existing LSC or MIC.
 */
export const CAPF_AUTHENTICATIONS = ["none", "password", "certificate"] as const;
export type CapfAuthentication = (typeof CAPF_AUTHENTICATIONS)[number];

export const DEVICE_KEY_TYPES = ["RSA", "EC"] as const;
export type DeviceKeyType = (typeof DEVICE_KEY_TYPES)[number];

/** RSA sizes U2 accepts (spec §5.2); phones handle at most 2048 in practice. */
export const RSA_KEY_SIZES = [512, 1024, 2048, 3072, 4096] as const;
/** U2's `curve_name` values (spec §5.2). */
export const DEVICE_CURVES = ["secp256r1", "secp384r1", "secp521r1"] as const;
export type DeviceCurve = (typeof DEVICE_CURVES)[number];

/**
 * Certsmith's bookkeeping (spec §5.2 last paragraph): `pending` while an operation waits for the
 * phone, then the outcome of the last one.
 */
export type DeviceStatus = "pending" | "issued" | "fetched" | "deleted" | "failed" | "idle";

/** Which certificate the record holds: an LSC issued or fetched by CAPF, or a supplied MIC/LSC. */
export type DeviceCertificateKind = "lsc" | "mic";

export interface DeviceCertificate {
  der: Uint8Array;
  kind: DeviceCertificateKind;
  /** Lowercase hex, minimal magnitude (spec §5.2). */
  serialNumber: string;
  notValidBefore: Date;
  notValidAfter: Date;
}

export interface CiscoDevice {
  id: string;
  projectId: string;
  name: string;
  description: string;
  operation: CapfOperation;
  authentication: CapfAuthentication;
  hasPassword: boolean;
  keyType: DeviceKeyType;
  /** RSA bits, null for EC. */
  keySize: number | null;
  /** EC curve, null for RSA. */
  curve: DeviceCurve | null;
  status: DeviceStatus;
  certificate: DeviceCertificate | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateDeviceInput {
  name: string;
  description?: string | undefined;
  operation?: CapfOperation | undefined;
  authentication?: CapfAuthentication | undefined;
  password?: string | undefined;
  keyType?: DeviceKeyType | undefined;
  keySize?: number | undefined;
  curve?: string | undefined;
  /** PEM of an existing LSC or MIC, for certificate authentication and config encryption. */
  certificate?: string | undefined;
}

export interface UpdateDeviceInput {
  operation?: CapfOperation | undefined;
  description?: string | undefined;
  authentication?: CapfAuthentication | undefined;
  password?: string | undefined;
  keyType?: DeviceKeyType | undefined;
  keySize?: number | undefined;
  curve?: string | undefined;
}

/** A certificate the TVS vouches for (spec §6). */
export interface TrustEntry {
  projectId: string;
  /** Lowercase hex SHA-256 of the DER: the TVS lookup key. */
  fingerprint: string;
  certificateDer: Uint8Array;
  subject: string;
  roles: ItlRole[];
  ttlSeconds: number;
  description: string;
  createdAt: Date;
}

export interface AddTrustEntryInput {
  /** PEM of one certificate. */
  certificate: string;
  roles: readonly string[];
  ttlSeconds?: number | undefined;
  description?: string | undefined;
}

/** The certificates that sign on the project's behalf (spec §2.3, §3.1, §5.6). */
export const SIGNER_PURPOSES = ["sast", "tftp", "capf_issuer"] as const;
export type SignerPurpose = (typeof SIGNER_PURPOSES)[number];

export interface SignerInfo {
  purpose: SignerPurpose;
  certificateDer: Uint8Array;
  subject: string;
  serialNumber: string;
  notValidAfter: Date;
  createdAt: Date;
}

export interface CiscoSettings {
  projectId: string;
  capfIssuerCaId: string | null;
  lscValidityDays: number;
}

export interface OffsetPage<T> {
  items: T[];
  total: number;
}
