import { createHash, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

import { canImport } from "../../../src/keys/key-store.js";
import { parseCertificate } from "../../../src/pki/certificate-info.js";
import type { Dialect } from "../../../src/store/db.js";
import { createProject } from "../../support/identity.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import {
  createCa,
  issueCertificate,
  makeWorkDir,
  opensslOk,
  type IssuedCertificate,
  type TestCa,
  type WorkDir,
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

/** A test app listening on loopback, with an OpenSSL-made P-256 CA imported and one leaf. */
export interface ListeningOcspSetup {
  t: TestApp;
  work: WorkDir;
  /** http://127.0.0.1:PORT of the listening server. */
  base: string;
  projectId: string;
  fixture: FixtureCa;
  /** An OCSP request for the leaf by `openssl ocsp -reqout`, kept as `file` in `work`. */
  ocspRequest(file: string, nonce: boolean): Promise<Buffer>;
  close(): Promise<void>;
}

export async function listeningOcspSetup(
  dialect: Dialect,
  ca: { name: string; id: string; leafSerial: string },
): Promise<ListeningOcspSetup> {
  const t = await createTestApp(dialect);
  const work = makeWorkDir();
  try {
    await t.server.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(t.server.server.address() as AddressInfo).port}`;
    const projectId = await createProject(t, "pki");
    const fixture = await importOpensslCa(
      t,
      projectId,
      await createCa(work, ca.name, "ECDSA-P256"),
      ca.id,
    );
    const leaf = await issueLeaf(t, projectId, fixture, "leaf", ca.leafSerial);
    const ocspRequest = async (file: string, nonce: boolean) => {
      const noNonce = nonce ? [] : ["-no_nonce"];
      const args = ["ocsp", "-issuer", fixture.ca.pem, "-cert", leaf.pem, ...noNonce];
      await opensslOk(work.dir, [...args, "-reqout", file]);
      return Buffer.from(work.read(file));
    };
    const close = async () => {
      await t.close();
      work.remove();
    };
    return { t, work, base, projectId, fixture, ocspRequest, close };
  } catch (error) {
    await t.close();
    work.remove();
    throw error;
  }
}
