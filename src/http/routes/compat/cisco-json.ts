/** JSON of Cisco records as UseCallManager (seed 000) spells them. */

import { encodePem } from "../../../pki/pem.js";
import type { CiscoDevice, TrustEntry } from "../../../services/cisco/cisco.types.js";

/** Seed 000 writes times as `2025-12-22T10:30:00Z` (no fraction). */
export function seedTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function compatDeviceJson(device: CiscoDevice) {
  const certificate = device.certificate;
  return {
    name: device.name,
    description: device.description,
    operation: device.operation,
    authentication: device.authentication,
    key_type: device.keyType,
    key_size: device.keySize,
    curve: device.curve,
    status: device.status,
    has_certificate: certificate !== null,
    certificate_type: certificate?.kind.toUpperCase() ?? null,
    serial_number: certificate?.serialNumber ?? null,
    not_valid_before: certificate ? seedTime(certificate.notValidBefore) : null,
    not_valid_after: certificate ? seedTime(certificate.notValidAfter) : null,
    created_at: seedTime(device.createdAt),
    updated_at: seedTime(device.updatedAt),
  };
}

export function compatTrustJson(entry: TrustEntry) {
  return {
    fingerprint: entry.fingerprint,
    subject: entry.subject,
    roles: entry.roles,
    ttl: entry.ttlSeconds,
    description: entry.description,
    created_at: seedTime(entry.createdAt),
    pem: encodePem("CERTIFICATE", entry.certificateDer),
  };
}

/** `Content-Disposition` for a download (RFC 6266); our file names are plain ASCII. */
export function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\]/g, "_")}"`;
}
