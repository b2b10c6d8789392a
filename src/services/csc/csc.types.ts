import type { KeyBackendName } from "../../keys/key-store.js";
import type { KeyType } from "../../pki/signer.js";
import type { CscAuthMode } from "../../store/tables/csc.table.js";

export type { CscAuthMode };

/** A signing credential: a key under custody, its certificate, its owner and its rules. */
export interface SigningCredential {
  id: string;
  /** The `credentialID` of `/csc/v2`. */
  credentialId: string;
  projectId: string;
  ownerUserId: string;
  name: string;
  description: string;
  keyRef: string;
  keyBackend: KeyBackendName;
  keyType: KeyType;
  /** Null while the credential waits for its certificate (`PUT …/certificate`). */
  certificateDer: Uint8Array | null;
  /** CA certificates, issuer first. */
  chainDer: Uint8Array[];
  notAfter: Date | null;
  caId: string | null;
  authMode: CscAuthMode;
  hasPin: boolean;
  pinFailedAttempts: number;
  pinLockedAt: Date | null;
  allowedAlgorithms: string[];
  multisign: number;
  scal: "1" | "2";
  isEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The credential row with its PIN hash: never leaves the CSC services. */
export interface SigningCredentialWithSecret extends SigningCredential {
  pinHash: string | null;
}

export interface CreateCredentialInput {
  name: string;
  description?: string | undefined;
  ownerUserId: string;
  keyType: KeyType;
  keyBackend?: KeyBackendName | undefined;
  /** Subject of the certificate a CA here issues (or of the CSR for a later import). */
  subject?: Record<string, string> | undefined;
  caId?: string | undefined;
  authMode: CscAuthMode;
  pin?: string | undefined;
  multisign?: number | undefined;
  scal?: "1" | "2" | undefined;
  allowedAlgorithms?: string[] | undefined;
  /** PEM or base64 DER of an imported certificate; its key is then `privateKey` (PKCS#8). */
  certificate?: string | undefined;
  chain?: string[] | undefined;
  privateKey?: string | undefined;
}

export interface UpdateCredentialInput {
  name?: string | undefined;
  description?: string | undefined;
  isEnabled?: boolean | undefined;
  multisign?: number | undefined;
  allowedAlgorithms?: string[] | undefined;
  /** A new PIN also clears a lock-out. */
  pin?: string | undefined;
}

export interface CreatedCredential {
  credential: SigningCredential;
  /** PEM CSR for the credential's key when it waits for an imported certificate. */
  csrPem: string | null;
}

/** Who calls `/csc/v2`: a user through a CSC token, or a machine through an API key. */
export type CscCaller =
  | { kind: "user"; userId: string; username: string }
  | { kind: "api_key"; keyId: string; name: string; projectIds: readonly string[] | null };

export interface CscConfig {
  name: string;
  region: string;
  lang: string;
  description: string;
  authTypes: string[];
  hasLogo: boolean;
  logoContentType: string | null;
  updatedAt: Date;
}

export interface UpdateCscConfigInput {
  name?: string | undefined;
  region?: string | undefined;
  lang?: string | undefined;
  description?: string | undefined;
  authTypes?: string[] | undefined;
  /** Decoded PNG or JPEG bytes (the type is read from them), or null to remove the logo. */
  logo?: { bytes: Uint8Array } | null | undefined;
}
