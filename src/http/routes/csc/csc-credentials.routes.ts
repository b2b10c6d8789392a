import type { FastifyInstance } from "fastify";

import { invalidParameter } from "../../../services/csc/csc-errors.js";

import { credentialInfoJson, type CredentialInfoOptions } from "./csc-json.js";
import {
  bodyOf,
  certificatesOption,
  checkClientData,
  hashAlgorithmOid,
  optionalBoolean,
  optionalHashes,
  optionalString,
  pinOf,
  requiredInteger,
  requiredString,
  type Body,
} from "./csc-params.js";
import { CSC_ROUTE, authenticateCsc, type CscRouteDeps } from "./csc-scope.js";

function infoOptions(body: Body): CredentialInfoOptions {
  return {
    certificates: certificatesOption(body),
    certInfo: optionalBoolean(body, "certInfo") ?? false,
    authInfo: optionalBoolean(body, "authInfo") ?? false,
  };
}

/**
 * `credentials/list`, `credentials/info`, `credentials/authorize`,
 * `credentials/extendTransaction` (csc-api-v2.md §4.4–§4.6, §4.9).
 */
export function cscCredentialRoutes(app: FastifyInstance, deps: CscRouteDeps): void {
  app.post("/credentials/list", CSC_ROUTE, async (request) => {
    const { caller } = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    // v1 paging fields (`maxResults`, `pageToken`) are accepted and ignored: v2 has no paging.
    const wantInfo = optionalBoolean(body, "credentialInfo") ?? false;
    const options = infoOptions(body);
    const onlyValid = optionalBoolean(body, "onlyValid") ?? false;
    const userId = optionalString(body, "userID");
    const views = await deps.cscSigning.listCredentials(caller, { userId, onlyValid });
    return {
      credentialIDs: views.map((v) => v.credential.credentialId),
      ...(wantInfo
        ? {
            credentialInfos: views.map((v) => ({
              credentialID: v.credential.credentialId,
              ...credentialInfoJson(v, options),
            })),
          }
        : {}),
      ...(onlyValid ? { onlyValid: true } : {}),
    };
  });

  app.post("/credentials/info", CSC_ROUTE, async (request) => {
    const { caller } = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    const credentialId = requiredString(body, "credentialID");
    const options = infoOptions(body);
    return credentialInfoJson(
      await deps.cscSigning.describeCredential(caller, credentialId),
      options,
    );
  });

  app.post("/credentials/authorize", CSC_ROUTE, async (request) => {
    const authentication = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    const credentialId = requiredString(body, "credentialID");
    const numSignatures = requiredInteger(body, "numSignatures");
    const { pin, fromAuthData } = pinOf(body);
    const description = optionalString(body, "description");
    if (description !== undefined && description.length > 500) {
      throw invalidParameter("description");
    }
    const result = await deps.cscSigning.authorize(authentication, {
      credentialId,
      numSignatures,
      hashes: optionalHashes(body),
      hashAlgorithmOid: hashAlgorithmOid(body),
      pin,
      pinFromAuthData: fromAuthData,
    });
    return { SAD: result.sad, expiresIn: result.expiresInSeconds };
  });

  app.post("/credentials/extendTransaction", CSC_ROUTE, async (request) => {
    const authentication = await authenticateCsc(request, deps.cscAuth);
    const body = bodyOf(request.body);
    checkClientData(body);
    const result = await deps.cscSigning.extendTransaction(authentication, {
      credentialId: requiredString(body, "credentialID"),
      sad: requiredString(body, "SAD"),
      hashes: optionalHashes(body),
      hashAlgorithmOid: hashAlgorithmOid(body),
    });
    return { SAD: result.sad, expiresIn: result.expiresInSeconds };
  });
}
