import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DIALECTS } from "../../support/dialects.js";
import { createProject } from "../../support/identity.js";
import { rememberSecret } from "../../support/secrets.js";
import { createSoftHsmToken, type SoftHsmToken } from "../../support/softhsm.js";
import { createTestApp, type TestApp } from "../../support/test-app.js";

import {
  OID,
  bearer,
  createCredential,
  createOpensslCa,
  csc,
  loginCsc,
  opensslVerifies,
  signer,
  type CscCredentialInfo,
  type OpensslCa,
} from "./csc-support.js";

const PSS_SHA384 = "MDSgDzANBglghkgBZQMEAgIFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgIFAKIDAgEw";

/** Credentials whose keys live in a PKCS#11 token (SoftHSM2) sign exactly like software ones. */
describe.each(DIALECTS)("CSC signing with PKCS#11 keys (%s)", (dialect) => {
  let token: SoftHsmToken;
  let t: TestApp;
  let ca: OpensslCa;
  let projectId: string;
  let owner: { id: string; password: string };
  let cscToken: string;

  beforeAll(async () => {
    token = await createSoftHsmToken();
    t = await createTestApp(dialect, {
      "pkcs11-module": token.modulePath,
      "pkcs11-token-label": token.tokenLabel,
      "pkcs11-pin": token.pin,
    });
    ca = await createOpensslCa();
    projectId = await createProject(t, "hsm-signing");
    owner = await signer(t, "hsm-user");
    cscToken = await loginCsc(t, "hsm-user", owner.password);
    rememberSecret("the HSM user's CSC token", cscToken);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    token?.destroy();
    ca?.destroy();
  });

  it.each([
    ["RSA-2048", OID.sha256WithRsa, {}, 32, ["-pkeyopt", "digest:sha256"]],
    [
      "RSA-2048",
      OID.rsassaPss,
      { signAlgoParams: PSS_SHA384 },
      48,
      [
        "-pkeyopt",
        "digest:sha384",
        "-pkeyopt",
        "rsa_padding_mode:pss",
        "-pkeyopt",
        "rsa_pss_saltlen:48",
      ],
    ],
    ["ECDSA-P256", OID.ecdsaWithSha256, {}, 32, ["-pkeyopt", "digest:sha256"]],
    ["ECDSA-P384", OID.ecdsaWithSha512, {}, 64, ["-pkeyopt", "digest:sha512"]],
  ] as const)(
    "a %s token key signs %s through SAD and signHash",
    async (keyType, signAlgo, extra, length, verify) => {
      const { id, credentialId } = await createCredential(t, ca, projectId, owner.id, {
        keyType,
        keyBackend: "pkcs11",
        pin: "24680",
      });
      const native = await t.inject({
        method: "GET",
        url: `/api/v1/projects/${projectId}/signing-credentials/${id}`,
      });
      expect(native.json()).toMatchObject({ key_backend: "pkcs11", status: "active" });
      const authorized = await csc(
        t,
        "credentials/authorize",
        { credentialID: credentialId, numSignatures: 2, authData: [{ id: "PIN", value: "24680" }] },
        bearer(cscToken),
      );
      expect(authorized.statusCode, authorized.body).toBe(200);
      const sad = authorized.json<{ SAD: string }>().SAD;
      rememberSecret("an HSM SAD", sad);
      const digests = [randomBytes(length), randomBytes(length)];
      const signed = await csc(
        t,
        "signatures/signHash",
        {
          credentialID: credentialId,
          SAD: sad,
          hashes: digests.map((d) => d.toString("base64")),
          signAlgo,
          ...extra,
        },
        bearer(cscToken),
      );
      expect(signed.statusCode, signed.body).toBe(200);
      const info = await csc(
        t,
        "credentials/info",
        { credentialID: credentialId },
        bearer(cscToken),
      );
      const certificate = info.json<CscCredentialInfo>().cert.certificates[0]!;
      const signatures = signed.json<{ signatures: string[] }>().signatures;
      for (const [i, digest] of digests.entries()) {
        expect(
          await opensslVerifies(certificate, digest, Buffer.from(signatures[i]!, "base64"), [
            ...verify,
          ]),
        ).toBe(true);
      }
    },
  );
});
