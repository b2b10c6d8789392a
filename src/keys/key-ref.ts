import { ulid } from "../lib/ids.js";

import { KeyStoreError } from "./errors.js";
import { KEY_BACKENDS, type KeyBackendName } from "./key-store.js";

/**
 * Key refs are `<backend>:<ULID>`, e.g. `pkcs11:01JD3…`. The prefix lets the registry route a
 * stored ref to its backend without a lookup; the ULID makes refs unique across nodes, so a ref
 * can also serve as the token's CKA_ID. Services treat the whole string as opaque.
 */
const KEY_REF_PATTERN = /^(software|pkcs11):[0-9A-HJKMNP-TV-Z]{26}$/;

export function newKeyRef(backend: KeyBackendName): string {
  return `${backend}:${ulid()}`;
}

export function isKeyRef(value: string): boolean {
  return KEY_REF_PATTERN.test(value);
}

/** The backend a ref belongs to; a malformed ref is "key_not_found" (it names no key). */
export function backendOfKeyRef(keyRef: string): KeyBackendName {
  const match = KEY_REF_PATTERN.exec(keyRef);
  const backend = match?.[1] as KeyBackendName | undefined;
  if (backend === undefined || !KEY_BACKENDS.includes(backend)) {
    throw new KeyStoreError("key_not_found", `"${printable(keyRef)}" is not a key reference`);
  }
  return backend;
}

/** Checks that `keyRef` is well formed and belongs to `backend`. */
export function assertKeyRefOf(backend: KeyBackendName, keyRef: string): void {
  if (backendOfKeyRef(keyRef) !== backend) {
    throw new KeyStoreError(
      "key_not_found",
      `key "${keyRef}" does not belong to the ${backend} key store`,
    );
  }
}

function printable(value: string): string {
  const cut = value.slice(0, 80);
  return /^[\x20-\x7e]*$/.test(cut) ? cut : "(non-printable)";
}
