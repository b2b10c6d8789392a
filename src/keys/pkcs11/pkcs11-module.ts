import pkcs11js from "pkcs11js";

import { KeyStoreConfigError, KeyStoreError, type KeyStoreErrorCode } from "../errors.js";

export type Pkcs11 = pkcs11js.PKCS11;
export type Handle = Buffer;

/** Constants of PKCS#11 v3.0 that pkcs11js (written against v2.40) does not export. */
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

/**
 * A Cryptoki library may be initialised once per process (PKCS#11 v2.40 §5.4, C_Initialize
 * returns CKR_CRYPTOKI_ALREADY_INITIALIZED otherwise), so every key store on the same module
 * shares one loaded instance, finalised when the last one is released.
 */
const loaded = new Map<string, { pkcs11: Pkcs11; users: number }>();

export function acquireModule(modulePath: string): Pkcs11 {
  const existing = loaded.get(modulePath);
  if (existing) {
    existing.users++;
    return existing.pkcs11;
  }
  const pkcs11 = new pkcs11js.PKCS11();
  try {
    pkcs11.load(modulePath);
  } catch (error) {
    throw new KeyStoreConfigError(
      `cannot load the PKCS#11 module ${modulePath}: ${(error as Error).message.split("\n")[0]}`,
      { cause: error },
    );
  }
  try {
    // OS locking: pkcs11js runs *Async calls on libuv worker threads, one session each.
    pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (returnValueName(error) !== "CKR_CRYPTOKI_ALREADY_INITIALIZED") {
      pkcs11.close();
      throw new KeyStoreConfigError(
        `the PKCS#11 module ${modulePath} failed to initialise (${returnValueName(error)})`,
        { cause: error },
      );
    }
  }
  loaded.set(modulePath, { pkcs11, users: 1 });
  return pkcs11;
}

export function releaseModule(modulePath: string): void {
  const entry = loaded.get(modulePath);
  if (!entry || --entry.users > 0) return;
  loaded.delete(modulePath);
  try {
    entry.pkcs11.C_Finalize();
  } finally {
    entry.pkcs11.close();
  }
}

/** The CKR_* name of a pkcs11js error (its message), or a short description of anything else. */
export function returnValueName(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /CKR_[A-Z0-9_]+/.exec(message)?.[0] ?? message.split("\n")[0]!.slice(0, 120);
}

const CODE_BY_RETURN_VALUE: Record<string, KeyStoreErrorCode> = {
  CKR_KEY_HANDLE_INVALID: "key_not_found",
  CKR_OBJECT_HANDLE_INVALID: "key_not_found",
  CKR_MECHANISM_INVALID: "unsupported",
  CKR_MECHANISM_PARAM_INVALID: "unsupported",
  CKR_KEY_TYPE_INCONSISTENT: "unsupported",
  CKR_KEY_FUNCTION_NOT_PERMITTED: "unsupported",
  CKR_DATA_LEN_RANGE: "unsupported",
  CKR_TEMPLATE_INCONSISTENT: "unsupported",
  CKR_ATTRIBUTE_VALUE_INVALID: "unsupported",
};

/** A token failure as a KeyStoreError: what we were doing, and the PKCS#11 return value. */
export function tokenError(error: unknown, doing: string): KeyStoreError {
  if (error instanceof KeyStoreError) return error;
  const name = returnValueName(error);
  const code = CODE_BY_RETURN_VALUE[name] ?? "backend_unavailable";
  return new KeyStoreError(code, `the PKCS#11 token failed to ${doing} (${name})`, {
    cause: error,
  });
}
