import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { createSoftHsmToken, type SoftHsmToken } from "../../support/softhsm.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";
import { createIntermediate, createRoot, issue } from "../cas/ca-api.js";
import { createWorkDir, mustRun, type WorkDir } from "../pki/support/tools.js";

/** CA keys inside a PKCS#11 token (SoftHSM2): created there, signing there, never exported. */
describe.each(DIALECTS)("CAs with PKCS#11 keys on %s", (dialect) => {
  let token: SoftHsmToken;
  let t: TestApp;
  let projectId: string;
  let work: WorkDir;

  beforeAll(async () => {
    token = await createSoftHsmToken();
    t = await createTestApp(dialect, {
      "pkcs11-module": token.modulePath,
      "pkcs11-token-label": token.tokenLabel,
      "pkcs11-pin": token.pin,
    });
    projectId = await createProject(t, "hsm");
    work = createWorkDir();
  });
  afterAll(async () => {
    await t.close();
    token.destroy();
    work.remove();
  });

  it("creates a root and an intermediate in the token and issues from an openssl CSR", async () => {
    const root = await createRoot(t, projectId, "hsm-root", {
      key_backend: "pkcs11",
      key_type: "RSA-3072",
    });
    const intermediate = await createIntermediate(t, projectId, root.id, "hsm-int", {
      key_backend: "pkcs11",
      key_type: "ECDSA-P384",
    });
    expect(root).toMatchObject({ key_backend: "pkcs11", key_type: "RSA-3072" });
    expect(intermediate).toMatchObject({ key_backend: "pkcs11", key_type: "ECDSA-P384" });

    await mustRun("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      work.path("leaf.key"),
      "-out",
      work.path("leaf.csr"),
      "-subj",
      "/CN=hsm-leaf.example.test",
    ]);
    const leaf = await issue(t, projectId, {
      ca_id: intermediate.id,
      csr: work.read("leaf.csr").toString(),
      validity_days: 30,
    });
    const rootFile = work.write("root.pem", root.certificate!);
    const intFile = work.write("int.pem", intermediate.certificate!);
    const leafFile = work.write("leaf.pem", leaf.certificate);
    await mustRun("openssl", ["verify", "-x509_strict", "-CAfile", rootFile, intFile]);
    await mustRun("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      rootFile,
      "-untrusted",
      intFile,
      leafFile,
    ]);
    const text = await mustRun("openssl", ["x509", "-in", leafFile, "-noout", "-text"]);
    expect(text).toContain("Signature Algorithm: ecdsa-with-SHA384");
    expect(text).toContain("DNS:hsm-leaf.example.test");

    // The CA keys are token objects: private, sensitive and not extractable.
    const objects = await mustRun("pkcs11-tool", [
      "--module",
      token.modulePath,
      "--token-label",
      token.tokenLabel,
      "--login",
      "--pin",
      token.pin,
      "--list-objects",
      "--type",
      "privkey",
    ]);
    expect(objects.match(/Private Key Object/g)?.length).toBe(2);
    expect(objects).toMatch(/never extractable/);
  });
});
