/** CAPF protocol numbers (spec §5.3). */

export const CAPF_PROTOCOL_ID = 0x55;
export const CAPF_HEADER_BYTES = 8;
/** The VERSION the server sends in AUTH_REQUEST (spec §5.3). */
export const CAPF_SERVER_VERSION = 3;

export const CapfCommand = {
  AUTH_REQUEST: 1,
  AUTH_RESPONSE: 2,
  KEY_GENERATE_REQUEST: 3,
  KEY_GENERATE_RESPONSE: 4,
  ENCRYPT_RESPONSE: 5,
  ENCRYPT_REQUEST: 6,
  DECRYPT_REQUEST: 7,
  DECRYPT_RESPONSE: 8,
  STORE_CERTIFICATE_REQUEST: 9,
  STORE_CERTIFICATE_RESPONSE: 10,
  FETCH_CERTIFICATE_REQUEST: 11,
  FETCH_CERTIFICATE_RESPONSE: 12,
  DELETE_CERTIFICATE_REQUEST: 13,
  DELETE_CERTIFICATE_RESPONSE: 14,
  END_SESSION: 15,
  RETRY_LATER: 16,
  REQUEST_IN_PROGRESS: 17,
  STATUS_REQUEST: 18,
  STATUS_RESPONSE: 19,
  ABORT_REQUEST: 20,
  ABORT_RESPONSE: 21,
  SIGN_CERTIFICATE_REQUEST: 22,
  SIGN_CERTIFICATE_RESPONSE: 23,
} as const;
export type CapfCommand = (typeof CapfCommand)[keyof typeof CapfCommand];

export function isCapfCommand(value: number): value is CapfCommand {
  return Number.isInteger(value) && value >= 1 && value <= 23;
}

export const CapfTag = {
  REASON: 1,
  REASON_INFO: 2,
  CERTIFICATE_TYPE: 3,
  CERTIFICATE: 4,
  CERTIFICATE_ID: 5,
  SIGNED_DATA: 6,
  VERSION: 7,
  AUTH_TYPE: 8,
  PUBLIC_KEY: 9,
  KEY_SIZE: 10,
  PASSWORD: 11,
  RETRY_DELAY: 12,
  DEVICE_NAME: 13,
  SUDI_DATA: 16,
  KEY_TYPE: 17,
  CURVE: 18,
  DIGEST_TYPE: 19,
  SHA2_SIGNED_DATA: 20,
} as const;

/** REASON values (spec §5.3; J saw 7 for "already issued"). */
export const CapfReason = {
  NO_ACTION: 0,
  UPDATE_CERTIFICATE: 1,
  INVALID_ELEMENT: 7,
  UNKNOWN_DEVICE: 9,
} as const;

export const CapfAuthType = {
  NONE: 0,
  PASSWORD: 1,
  NO_PASSWORD: 2,
  LSC: 3,
  MIC: 4,
} as const;

export const CapfCertificateType = { LSC: 1, MIC: 2 } as const;
export const CapfKeyType = { RSA: 0, EC: 1 } as const;
export const CapfCurve = { "P-256": 0, "P-384": 1, "P-521": 2 } as const;
export type CapfCurveName = keyof typeof CapfCurve;

/** Hash id inside SHA2_SIGNED_DATA and SUDI_DATA: the same codes as signed files (SHA-512 = 3). */
export const CAPF_SHA512_ID = 3;
/** SUDI_DATA sub-tags (spec §5.5). */
export const SudiTag = { CERTIFICATE: 0, SHA1_PROOF: 1, SHA512_PROOF: 3 } as const;
