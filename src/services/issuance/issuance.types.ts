import type { KeyBackendName } from "../../keys/key-store.js";
import type { KeyUsage } from "../../pki/extensions.js";
import type { SanInput } from "../../pki/general-names.js";
import type { Subject } from "../../pki/names.js";
import type { KeyType } from "../../pki/signer.js";
import type { IssuerType, StoredCertificateStatus } from "../../store/tables/pki.table.js";

import type { StoredSan } from "./certificate-record.fns.js";

/** Where the certified public key comes from. */
export type KeySource =
  /** A PKCS#10 request (PEM or DER); its signature proves the requester holds the key. */
  | { kind: "csr"; csr: string | Uint8Array }
  /**
   * A public key whose possession the caller established itself (Cisco CAPF, signing
   * credentials). `keyRef` names the key when it is under our custody (stored, never exported).
   */
  | { kind: "public_key"; spki: Uint8Array; keyRef?: string }
  /** A key generated here, under custody; exportable when the profile allows downloads. */
  | { kind: "generate"; keyType?: KeyType | undefined; keyBackend?: KeyBackendName | undefined };

export interface IssueCertificateRequest {
  projectId: string;
  /** The issuing CA; defaults to the profile's CA. */
  caId?: string | undefined;
  profileId?: string | undefined;
  /** Signed by its own (generated) key; no CA. */
  selfSigned?: boolean | undefined;
  key: KeySource;
  /** Typed subject; with a CSR, replaces the CSR's subject. Profile subject defaults fill gaps. */
  subject?: Subject | undefined;
  /** SAN strings or typed names; with a CSR, absent → the names the CSR requested. */
  sans?: SanInput[] | undefined;
  /** Default: the profile's validity_days, else 397 (CA/B Baseline Requirements §6.3.2). */
  validityDays?: number | undefined;
  /** Default: the profile's, else the builder's leaf defaults. */
  keyUsage?: KeyUsage[] | undefined;
  /** Default: the profile's, else the CSR's request, else serverAuth + clientAuth. */
  extendedKeyUsage?: string[] | undefined;
  /** Default "issued" ("self_signed" for self-signed); the ACME server passes "acme". */
  issuerType?: Extract<IssuerType, "issued" | "acme"> | undefined;
  /** The certificate this one renews (inventory renewal). */
  predecessorId?: string | undefined;
}

/** The stored certificate an issuance produced. */
export interface IssuedCertificate {
  id: string;
  projectId: string;
  caId: string | null;
  profileId: string | null;
  issuerType: IssuerType;
  status: StoredCertificateStatus;
  commonName: string;
  sans: StoredSan[];
  subjectDn: string;
  issuerDn: string;
  serialNumber: string;
  keyType: string;
  fingerprintSha256: string;
  notBefore: Date;
  expiresAt: Date;
  certificateDer: Uint8Array;
  /** PEM of the certificate. */
  certificatePem: string;
  /** PEM of the issuer chain, nearest issuer first ("" for self-signed). */
  chainPem: string;
  /** The server-generated key, if any. */
  keyRef: string | null;
  isKeyDownloadable: boolean;
  predecessorId: string | null;
  createdAt: Date;
}
