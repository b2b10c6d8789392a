import type { FastifyInstance } from "fastify";

import {
  bodyOf,
  checkClientData,
  checkOperationMode,
  hashAlgorithmOid,
  optionalString,
  requiredHashes,
  requiredString,
  signAlgoParams,
} from "./csc-params.js";
import { CSC_ROUTE, authenticateCsc, type CscRouteDeps } from "./csc-scope.js";

/** `signatures/signHash` (csc-api-v2.md §4.10): raw digests in, signatures in the same order. */
export function cscSignatureRoutes(app: FastifyInstance, deps: CscRouteDeps): void {
  app.post("/signatures/signHash", CSC_ROUTE, async (request) => {
    const authentication = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    checkOperationMode(body);
    const credentialId = requiredString(body, "credentialID");
    const hashes = requiredHashes(body);
    const signAlgo = requiredString(body, "signAlgo");
    const signatures = await deps.cscSigning.signHash(authentication, {
      credentialId,
      // Seed 001 sends no SAD: accepted for "token" (seal) credentials only.
      sad: optionalString(body, "SAD") || undefined,
      hashes,
      signAlgo,
      hashAlgorithmOid: hashAlgorithmOid(body),
      signAlgoParams: signAlgoParams(body),
    });
    return { signatures: signatures.map((s) => Buffer.from(s).toString("base64")) };
  });
}
