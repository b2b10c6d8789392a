import pkcs11js from "pkcs11js";

import type { Pkcs11Config } from "../../config/config.types.js";
import { KeyStoreConfigError, KeyStoreError } from "../errors.js";

import {
  acquireModule,
  releaseModule,
  returnValueName,
  tokenError,
  type Handle,
  type Pkcs11,
} from "./pkcs11-module.js";

/**
 * Logged-in sessions on one token. A PKCS#11 session runs one operation at a time (v2.40 §5.6),
 * so each caller borrows a whole session; up to `size` operations run in parallel on libuv
 * threads. The first session stays open until `close`: logging in is per application and ends
 * when its last session closes (v2.40 §5.6.1 C_Login, §5.6.7 C_CloseSession).
 */
export interface TokenSessions {
  readonly pkcs11: Pkcs11;
  readonly slot: Handle;
  readonly tokenLabel: string;
  use<T>(work: (session: Handle) => Promise<T> | T): Promise<T>;
  close(): Promise<void>;
}

const SESSION_FLAGS = pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION;

function slotNumber(handle: Handle): bigint {
  return handle.length >= 8 ? handle.readBigUInt64LE(0) : BigInt(handle.readUInt32LE(0));
}

function findSlot(pkcs11: Pkcs11, config: Pkcs11Config): { slot: Handle; label: string } {
  const tokens = pkcs11.C_GetSlotList(true).map((slot) => ({
    slot,
    label: pkcs11.C_GetTokenInfo(slot).label.trim(),
  }));
  const found =
    config.tokenLabel !== null
      ? tokens.find((t) => t.label === config.tokenLabel)
      : tokens.find((t) => slotNumber(t.slot) === BigInt(config.slot ?? -1));
  if (found) return found;
  const wanted =
    config.tokenLabel !== null ? `labelled "${config.tokenLabel}"` : `in slot ${config.slot}`;
  const present = tokens.map((t) => `"${t.label}" (slot ${slotNumber(t.slot)})`).join(", ");
  throw new KeyStoreConfigError(
    `no PKCS#11 token ${wanted} in ${config.modulePath}; tokens present: ${present || "none"}`,
  );
}

function logIn(pkcs11: Pkcs11, session: Handle, pin: string, label: string): void {
  try {
    pkcs11.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    const name = returnValueName(error);
    // Another key store of this process on the same token is logged in: the login state is
    // shared (v2.40 §5.6.1), and the token does not check the PIN again in this case.
    if (name === "CKR_USER_ALREADY_LOGGED_IN") return;
    const why =
      name === "CKR_PIN_INCORRECT" || name === "CKR_PIN_LEN_RANGE"
        ? "refused the configured PIN"
        : name === "CKR_PIN_LOCKED"
          ? "has locked its user PIN"
          : "refused the login";
    // Never the PIN itself (DESIGN.md §2): only the token and the return value.
    throw new KeyStoreConfigError(`the PKCS#11 token "${label}" ${why} (${name})`, {
      cause: error,
    });
  }
}

export function openTokenSessions(config: Pkcs11Config, size = 4): TokenSessions {
  const pkcs11 = acquireModule(config.modulePath);
  let first: Handle | undefined;
  let token: { slot: Handle; label: string };
  try {
    token = findSlot(pkcs11, config);
    first = pkcs11.C_OpenSession(token.slot, SESSION_FLAGS);
    logIn(pkcs11, first, config.pin, token.label);
  } catch (error) {
    if (first) pkcs11.C_CloseSession(first);
    releaseModule(config.modulePath);
    if (error instanceof KeyStoreConfigError) throw error;
    throw new KeyStoreConfigError(
      `cannot open the PKCS#11 token in ${config.modulePath} (${returnValueName(error)})`,
      { cause: error },
    );
  }

  const idle: Handle[] = [first];
  const waiters: { resolve: (s: Handle) => void; reject: (e: Error) => void }[] = [];
  let opened = 1;
  let busy = 0;
  let isClosed = false;
  let drained: (() => void) | undefined;

  function closed(): KeyStoreError {
    return new KeyStoreError("backend_unavailable", "the pkcs11 key store is closed");
  }

  async function acquire(): Promise<Handle> {
    if (isClosed) throw closed();
    const session = idle.pop();
    if (session) return session;
    if (opened < size) {
      opened++;
      try {
        return pkcs11.C_OpenSession(token.slot, SESSION_FLAGS);
      } catch (error) {
        opened--;
        throw tokenError(error, "open a session");
      }
    }
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  function release(session: Handle): void {
    if (isClosed) {
      pkcs11.C_CloseSession(session);
      if (--opened === 0) drained?.();
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(session);
    else idle.push(session);
  }

  return {
    pkcs11,
    slot: token.slot,
    tokenLabel: token.label,
    async use(work) {
      const session = await acquire();
      busy++;
      try {
        return await work(session);
      } finally {
        busy--;
        release(session);
      }
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      for (const waiter of waiters.splice(0)) waiter.reject(closed());
      for (const session of idle.splice(0)) {
        pkcs11.C_CloseSession(session);
        opened--;
      }
      if (busy > 0) await new Promise<void>((resolve) => (drained = resolve));
      releaseModule(config.modulePath);
    },
  };
}
