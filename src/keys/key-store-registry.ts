import { KeyStoreConfigError, KeyStoreError } from "./errors.js";
import { backendOfKeyRef } from "./key-ref.js";
import type { KeyBackendName, KeyStore } from "./key-store.js";

/** The configured backends by name; services pick one per key and route stored refs back. */
export interface KeyStoreRegistry {
  /** The backend for new keys when the caller does not choose (config `defaultBackend`). */
  readonly defaultBackend: KeyBackendName;
  backends(): KeyBackendName[];
  has(backend: KeyBackendName): boolean;
  /** The backend, or "backend_unavailable" when it is not configured. */
  get(backend: KeyBackendName): KeyStore;
  /** The backend that holds `keyRef`. */
  forKeyRef(keyRef: string): KeyStore;
  close(): Promise<void>;
}

export function createKeyStoreRegistry(
  stores: KeyStore[],
  defaultBackend: KeyBackendName,
): KeyStoreRegistry {
  const byName = new Map<KeyBackendName, KeyStore>(stores.map((s) => [s.backend, s]));
  if (!byName.has(defaultBackend)) {
    throw new KeyStoreConfigError(
      `the default key backend is "${defaultBackend}", but that backend is not configured (for pkcs11, set CERTSMITH_PKCS11_MODULE)`,
    );
  }
  function get(backend: KeyBackendName): KeyStore {
    const store = byName.get(backend);
    if (!store) {
      throw new KeyStoreError(
        "backend_unavailable",
        `the ${backend} key backend is not configured on this server`,
      );
    }
    return store;
  }
  return {
    defaultBackend,
    backends: () => [...byName.keys()],
    has: (backend) => byName.has(backend),
    get,
    forKeyRef: (keyRef) => get(backendOfKeyRef(keyRef)),
    async close() {
      const results = await Promise.allSettled([...byName.values()].map((s) => s.close()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
