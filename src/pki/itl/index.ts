/** Cisco IP-phone file formats (spec cisco-phone-security.md §1–3): ITL/CTL, `.sgn`, `.enc.sgn`. */

export { readCertificateFields, type CertificateFields } from "./certificate-fields.js";
export { itlErrorToAppError } from "./itl-app-error.js";
export { buildConfigStubXml, configCertificateHash } from "./config-stub.js";
export {
  buildEncryptedConfig,
  decryptEncryptedConfig,
  parseEncryptedConfig,
  verifyEncryptedConfig,
  type EncryptedConfigFiles,
  type EncryptedConfigInput,
  type ParsedEncryptedConfig,
} from "./enc-sgn-file.js";
export {
  ItlBuildError,
  ItlError,
  ItlFormatError,
  isItlError,
  type ItlBuildErrorCode,
  type ItlFormatErrorCode,
} from "./itl-errors.js";
export {
  MAX_ITL_FILE_BYTES,
  MAX_SAST_RECORDS,
  buildCtlFile,
  buildItlFile,
  itlEntriesFor,
  parseItlFile,
  type ItlBuildInput,
  type ItlEntry,
  type ParsedItlFile,
  type SignerVersion,
} from "./itl-file.js";
export type { ItlRecord } from "./itl-record.js";
export { phoneAcceptsReplacement } from "./itl-trust.js";
export {
  ITL_ROLES,
  ITL_ROLE_CODES,
  isItlRole,
  recordRolesOf,
  roleOfCode,
  type ItlRole,
} from "./roles.js";
export {
  buildSgnFile,
  parseSgnFile,
  verifySgnFile,
  type ParsedSgnFile,
  type SgnBuildInput,
} from "./sgn-file.js";
export type { SignedHeader } from "./signed-header-parser.js";
export type { ItlDigest } from "./tags.js";
