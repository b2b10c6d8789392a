/**
 * Errors raised by `keys/`. Services convert `KeyStoreError` to `AppError` by `code`; the
 * start-up path prints a `KeyStoreConfigError` message as one line and exits. No message ever
 * carries a PIN, a master key or key material (DESIGN.md §2): only key refs, key types, backend
 * names, file paths and PKCS#11 return-value names.
 */

export type KeyStoreErrorCode =
  /** No key with this ref (or a malformed ref). */
  | "key_not_found"
  /** The key type, scheme, digest or operation does not fit this key or backend. */
  | "unsupported"
  /** The caller-given digest has the wrong length for its hash. */
  | "invalid_digest"
  /** Stored key material failed authentication (tampered, or sealed under another master key). */
  | "key_integrity"
  /** Input key material (PKCS#8) cannot be read or is not a supported key. */
  | "invalid_key"
  /** The key exists but was not created exportable. */
  | "not_exportable"
  /** The backend is not configured, closed, or its device failed. */
  | "backend_unavailable";

export class KeyStoreError extends Error {
  readonly code: KeyStoreErrorCode;

  constructor(code: KeyStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyStoreError";
    this.code = code;
  }
}

/** Key custody cannot start: wrong or missing master key, unreachable HSM, bad PIN. */
export class KeyStoreConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyStoreConfigError";
  }
}
