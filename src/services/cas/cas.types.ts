import type { KeyBackendName } from "../../keys/key-store.js";
import type { NameConstraints } from "../../pki/extensions.js";
import type { Subject } from "../../pki/names.js";
import type { KeyType } from "../../pki/signer.js";
import type { CaStatus, CaType } from "../../store/tables/pki.table.js";

export type { CaStatus, CaType };

/** A certificate authority of a project, as services see it. */
export interface Ca {
  id: string;
  projectId: string;
  name: string;
  type: CaType;
  status: CaStatus;
  parentCaId: string | null;
  /** Null for an external issuer known only by its certificate. */
  keyBackend: KeyBackendName | null;
  keyRef: string | null;
  /** A KeyType for CAs that sign here; an imported external issuer may have another key. */
  keyType: string;
  /** Null while `pending_certificate`. */
  certificateDer: Uint8Array | null;
  /** The CSR exported for an intermediate that another CA signs. */
  csrDer: Uint8Array | null;
  /** Issuer chain above this CA, PEM, nearest issuer first; "" for a root. */
  chainPem: string;
  /** RFC 4514 text of the subject. */
  subjectDn: string;
  serialNumber: string | null;
  subjectKeyId: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
  pathLength: number | null;
  nameConstraints: NameConstraints | null;
  /** Free-form settings; `crl` and `ocsp` belong to the revocation service. */
  settings: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateCaInput {
  name: string;
  type: "root" | "intermediate";
  /** An intermediate signed by this CA; absent → the CSR is exported for another CA to sign. */
  parentCaId?: string | undefined;
  subject: Subject;
  keyType?: KeyType | undefined;
  keyBackend?: KeyBackendName | undefined;
  validityDays?: number | undefined;
  pathLength?: number | null | undefined;
  nameConstraints?: NameConstraints | null | undefined;
}

export interface ImportCaInput {
  name: string;
  /** PEM or base64 DER of the CA certificate. */
  certificate: string;
  /** PEM certificates above it, nearest issuer first (optional for roots). */
  chain?: string | undefined;
  /** PEM PKCS#8 ("PRIVATE KEY" or "ENCRYPTED PRIVATE KEY"); absent → an external issuer. */
  privateKey?: string | undefined;
  privateKeyPassword?: string | undefined;
  keyBackend?: KeyBackendName | undefined;
}

export interface UpdateCaInput {
  name?: string | undefined;
  status?: "active" | "disabled" | undefined;
}

/** The public URLs a CA's certificates point at (served by the publication routes). */
export interface CaUrls {
  crl: string;
  ocsp: string;
  caIssuers: string;
}
