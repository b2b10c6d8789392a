/** Constructors for the messages of the CAPF flows (spec §5.4), one per step. */

import {
  CAPF_SERVER_VERSION,
  CapfAuthType,
  CapfCertificateType,
  CapfCommand,
  CapfCurve,
  CapfKeyType,
  type CapfCurveName,
} from "./capf-constants.js";
import type { CapfFields, CapfMessage, HashedProof, SudiData } from "./capf-message.js";

const message = (
  command: CapfCommand,
  sessionId: number,
  fields: CapfFields = {},
): CapfMessage => ({
  command,
  sessionId,
  fields,
});

/** S→P step 1: `{VERSION=3, AUTH_TYPE}`; Certsmith, like U2, sends AUTH_TYPE 0. */
export function capfAuthRequest(
  sessionId: number,
  authType: number = CapfAuthType.NONE,
): CapfMessage {
  return message(CapfCommand.AUTH_REQUEST, sessionId, { version: CAPF_SERVER_VERSION, authType });
}

export interface CapfAuthProof {
  certificate: Uint8Array;
  certificateType?: number;
  signedData?: Uint8Array;
  sha2SignedData?: HashedProof;
  sudiData?: SudiData;
}

/** P→S step 2: REASON=1, the version, the device name, the password and any certificate proof. */
export function capfAuthResponse(
  sessionId: number,
  options: { deviceName: string; password?: string; version?: number; proof?: CapfAuthProof },
): CapfMessage {
  const { proof } = options;
  return message(CapfCommand.AUTH_RESPONSE, sessionId, {
    reason: 1,
    version: options.version ?? CAPF_SERVER_VERSION,
    password: options.password ?? "",
    deviceName: options.deviceName,
    ...(proof
      ? {
          certificate: proof.certificate,
          ...(proof.certificateType !== undefined
            ? { certificateType: proof.certificateType }
            : {}),
          ...(proof.signedData ? { signedData: proof.signedData } : {}),
          ...(proof.sha2SignedData ? { sha2SignedData: proof.sha2SignedData } : {}),
          ...(proof.sudiData ? { sudiData: proof.sudiData } : {}),
        }
      : {}),
  });
}

export type CapfKeyRequest =
  { keyType: "RSA"; keySize: number } | { keyType: "EC"; curve: CapfCurveName };

/** S→P install: `{KEY_SIZE, KEY_TYPE=0}` for RSA or `{KEY_TYPE=1, CURVE}` for EC. */
export function capfKeyGenerateRequest(sessionId: number, key: CapfKeyRequest): CapfMessage {
  return message(
    CapfCommand.KEY_GENERATE_REQUEST,
    sessionId,
    key.keyType === "RSA"
      ? { keySize: key.keySize, keyType: CapfKeyType.RSA }
      : { keyType: CapfKeyType.EC, curve: CapfCurve[key.curve] },
  );
}

/** P→S while the key is being generated (no elements). */
export function capfRequestInProgress(sessionId: number): CapfMessage {
  return message(CapfCommand.REQUEST_IN_PROGRESS, sessionId);
}

/** P→S: the new key's SubjectPublicKeyInfo, or only a REASON when generation failed. */
export function capfKeyGenerateResponse(
  sessionId: number,
  result: { publicKey: Uint8Array } | { reason: number },
): CapfMessage {
  return message(CapfCommand.KEY_GENERATE_RESPONSE, sessionId, { ...result });
}

/** S→P: the issued LSC. */
export function capfStoreCertificateRequest(
  sessionId: number,
  certificate: Uint8Array,
): CapfMessage {
  return message(CapfCommand.STORE_CERTIFICATE_REQUEST, sessionId, {
    certificateType: CapfCertificateType.LSC,
    certificate,
  });
}

export function capfStoreCertificateResponse(sessionId: number, reason: number): CapfMessage {
  return message(CapfCommand.STORE_CERTIFICATE_RESPONSE, sessionId, { reason });
}

export function capfFetchCertificateRequest(sessionId: number): CapfMessage {
  return message(CapfCommand.FETCH_CERTIFICATE_REQUEST, sessionId);
}

/** P→S: REASON=1 with the certificate, or REASON=7 when the phone has none. */
export function capfFetchCertificateResponse(
  sessionId: number,
  reason: number,
  certificate?: Uint8Array,
): CapfMessage {
  return message(CapfCommand.FETCH_CERTIFICATE_RESPONSE, sessionId, {
    reason,
    ...(certificate ? { certificateType: CapfCertificateType.LSC, certificate } : {}),
  });
}

export function capfDeleteCertificateRequest(sessionId: number): CapfMessage {
  return message(CapfCommand.DELETE_CERTIFICATE_REQUEST, sessionId);
}

export function capfDeleteCertificateResponse(sessionId: number, reason: number): CapfMessage {
  return message(CapfCommand.DELETE_CERTIFICATE_RESPONSE, sessionId, { reason });
}

/** S→P: the last message of every session. */
export function capfEndSession(sessionId: number, reason: number): CapfMessage {
  return message(CapfCommand.END_SESSION, sessionId, { reason });
}
