import { createHash, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";

import { canImport } from "../../../src/keys/key-store.js";
import { parseCertificate } from "../../../src/pki/certificate-info.js";
import type { TestApp } from "../../support/test-app.js";
import {
  createCa,
  issueCertificate,
  type IssuedCertificate,
  type TestCa,
} from "../revocation/openssl-pki.js";

/**
 * A CA made by the OpenSSL CLI, its key imported into our software key store and its row put
 * in `cas` as an imported CA would be, plus certificates OpenSSL issues under it, recorded in
 * the inventory. Everything is checked afterwards with OpenSSL, which made none of our bytes.
 */
export interface FixtureCa {
  ca: TestCa;
  id: string;
  /** Certificates by name, with their inventory id and serial. */
  leaves: Map<string, IssuedCertificate & { id: string; serial: string }>;
}

export async function importOpensslCa(
  t: TestApp,
  projectId: string,
  ca: TestCa,
  id: string,
): Promise<FixtureCa> {
  const store = t.app.keys.get("software");
  if (!canImport(store)) throw new Error("the software key store cannot import");
  const pkcs8 = createPrivateKey(readFileSync(ca.work.file(ca.key))).export({
    type: "pkcs8",
    format: "der",
  });
  const key = await store.importPrivateKey(new Uint8Array(pkcs8));
  const info = parseCertificate(ca.der);
  const now = Date.now();
  await t.app.store.db
    .insertInto("cas")
    .values({
      id,
      project_id: projectId,
      name: ca.name,
      type: "root",
      status: "active",
      parent_ca_id: null,
      key_backend: "software",
      key_ref: key.keyRef,
      key_type: key.keyType,
      certificate_der: Buffer.from(ca.der),
      csr_der: null,
      chain_pem: "",
      subject_dn: info.subject.text,
      serial_number: info.serialNumberHex,
      subject_key_id: info.subjectKeyIdentifier,
      not_before: info.notBefore.getTime(),
      not_after: info.notAfter.getTime(),
      path_length: null,
      name_constraints: null,
      settings: "{}",
      created_by: "test",
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { ca, id, leaves: new Map() };
}

/** Has OpenSSL issue a leaf with `serialHex` and records it in the inventory. */
export async function issueLeaf(
  t: TestApp,
  projectId: string,
  fixture: FixtureCa,
  name: string,
  serialHex: string,
): Promise<IssuedCertificate & { id: string; serial: string }> {
  const leaf = await issueCertificate(fixture.ca, name, serialHex);
  const info = parseCertificate(leaf.der);
  const id = `cert_${createHash("sha256")
    .update(name + fixture.id)
    .digest("hex")
    .slice(0, 20)}`;
  const now = Date.now();
  await t.app.store.db
    .insertInto("certificates")
    .values({
      id,
      project_id: projectId,
      ca_id: fixture.id,
      profile_id: null,
      issuer_type: "issued",
      status: "active",
      common_name: name,
      sans: "[]",
      subject_dn: info.subject.text,
      issuer_dn: info.issuer.text,
      issuer_key_id: info.authorityKeyIdentifier,
      serial_number: info.serialNumberHex.replace(/^0+(?=.)/, ""),
      fingerprint_sha256: info.fingerprintSha256,
      fingerprint_sha1: info.fingerprintSha1,
      key_type: "ECDSA-P256",
      key_size: 256,
      not_before: info.notBefore.getTime(),
      expires_at: info.notAfter.getTime(),
      certificate_der: Buffer.from(leaf.der),
      chain_pem: "",
      key_ref: null,
      is_key_downloadable: 0,
      revoked_at: null,
      revocation_reason: null,
      invalidity_date: null,
      predecessor_id: null,
      created_by: "test",
      created_at: now,
      updated_at: now,
    })
    .execute();
  const entry = { ...leaf, id, serial: info.serialNumberHex };
  fixture.leaves.set(name, entry);
  return entry;
}

export { createCa };
