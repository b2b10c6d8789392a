/**
 * Key custody (DESIGN.md §2): one small required interface, optional capability interfaces, and
 * a registry keyed by backend name (STYLE.md §3). Services keep only the opaque `keyRef`; the
 * private key stays inside its backend (encrypted at rest, or inside a PKCS#11 token).
 */
import type { HashAlgorithm, KeyType, Signer } from "../pki/signer.js";

export const KEY_BACKENDS = ["software", "pkcs11"] as const;
export type KeyBackendName = (typeof KEY_BACKENDS)[number];

export interface GenerateKeyOptions {
  /**
   * A human label kept with the key; not secret, not unique. On a token CKA_LABEL is the keyRef
   * (so `pkcs11-tool` output maps to our refs) and this label is not stored.
   */
  label?: string;
  /**
   * Whether `exportPrivateKey` may return this key later (a server-generated key the user may
   * download as PKCS#12). Default false, so a CA key can never leave through a service bug.
   * Only the software backend can honour true; PKCS#11 keys are always non-extractable.
   */
  isExportable?: boolean;
}

/** What a service stores about a key: all public. */
export interface KeyInfo {
  /** Opaque, stable, at most 64 ASCII characters; names the backend (see `backendOfKeyRef`). */
  keyRef: string;
  backend: KeyBackendName;
  keyType: KeyType;
  /** DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
}

/**
 * Schemes for signing a digest the caller already computed (CSC signHash). Ed25519 has no
 * pre-hashed form that CSC uses, so it is absent (csc-api-v2.md §6.1).
 */
export type DigestSignatureScheme =
  | { kind: "rsa-pkcs1"; hash: HashAlgorithm }
  /** EMSA-PSS with MGF1 over the same hash (RFC 8017 §9.1, the usual parameters). */
  | { kind: "rsa-pss"; hash: HashAlgorithm; saltLength: number }
  /** Returns DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3). */
  | { kind: "ecdsa"; hash: HashAlgorithm };

export interface KeyStore {
  readonly backend: KeyBackendName;
  /** The key types this backend can generate (and import, where it imports). */
  readonly keyTypes: readonly KeyType[];
  /** Creates a key pair. Slow for RSA (and on an HSM): never call inside a DB transaction. */
  generate(keyType: KeyType, options?: GenerateKeyOptions): Promise<KeyInfo>;
  /** A Signer for pure PKI code (certificates, CRLs, OCSP): it hashes the data itself. */
  signer(keyRef: string): Promise<Signer>;
  /**
   * Signs each digest as given, without hashing it again (csc-api-v2.md §6.2): RSA PKCS#1 v1.5
   * over DigestInfo (RFC 8017 §9.2), RSASSA-PSS with the digest as mHash (RFC 8017 §9.1.1), or
   * ECDSA over the digest returning DER. One signature per digest, in order. A batch, because
   * CSC signHash signs many digests per call and a backend may share work between them.
   * Rejects the whole batch if a digest's length does not fit the hash.
   */
  signDigests(
    keyRef: string,
    digests: readonly Uint8Array[],
    scheme: DigestSignatureScheme,
  ): Promise<Uint8Array[]>;
  publicKey(keyRef: string): Promise<KeyInfo>;
  /** Deletes the key for good. Idempotent: an unknown ref is not an error. */
  destroy(keyRef: string): Promise<void>;
  /** Releases sessions and caches; later calls fail with "backend_unavailable". */
  close(): Promise<void>;
}

export interface ImportKeyOptions {
  label?: string;
  /** As for `generate`; default false. */
  isExportable?: boolean;
}

/** Capability: bring an existing private key under custody (imported CA keys). */
export interface KeyImporter {
  /** `pkcs8Der` is a PKCS#8 PrivateKeyInfo of a supported key type; the caller should wipe it. */
  importPrivateKey(pkcs8Der: Uint8Array, options?: ImportKeyOptions): Promise<KeyInfo>;
}

/** Capability: hand a private key out (user-requested PKCS#12 download of an exportable key). */
export interface KeyExporter {
  /** PKCS#8 PrivateKeyInfo DER; fails with "not_exportable" unless the key was made exportable. */
  exportPrivateKey(keyRef: string): Promise<Uint8Array>;
}

export function canImport(store: KeyStore): store is KeyStore & KeyImporter {
  return typeof (store as Partial<KeyImporter>).importPrivateKey === "function";
}

export function canExport(store: KeyStore): store is KeyStore & KeyExporter {
  return typeof (store as Partial<KeyExporter>).exportPrivateKey === "function";
}
