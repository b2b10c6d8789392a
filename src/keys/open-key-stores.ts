import type { KeysConfig } from "../config/config.types.js";
import type { Clock } from "../lib/clock.js";

import { createKeyStoreRegistry, type KeyStoreRegistry } from "./key-store-registry.js";
import type { KeyStore } from "./key-store.js";
import type { SoftwareKeyRepository } from "./software/software-key-repository.js";
import { openSoftwareKeyStore } from "./software/software-key-store.js";

export interface OpenKeyStoresDeps {
  /** Storage for software keys (implemented in `store/`, injected by the composition root). */
  softwareKeys: SoftwareKeyRepository;
  clock?: Clock;
}

/**
 * Every configured backend, ready to use, or a `KeyStoreConfigError` that start-up reports as
 * one line: a wrong or missing master key, an unloadable module, an unknown token, a bad PIN.
 * The software backend is always there (exportable keys and tests need it); pkcs11 joins when
 * a module is configured.
 */
export async function openKeyStores(
  config: KeysConfig,
  deps: OpenKeyStoresDeps,
): Promise<KeyStoreRegistry> {
  const stores: KeyStore[] = [];
  try {
    stores.push(
      await openSoftwareKeyStore({
        repository: deps.softwareKeys,
        masterKey: config.masterKey,
        masterKeyFile: config.masterKeyFile,
        ...(deps.clock ? { clock: deps.clock } : {}),
      }),
    );
    if (config.pkcs11) {
      // Loaded only when configured: pkcs11js is a native module most deployments never need.
      const { openPkcs11KeyStore } = await import("./pkcs11/pkcs11-key-store.js");
      stores.push(openPkcs11KeyStore(config.pkcs11));
    }
    return createKeyStoreRegistry(stores, config.defaultBackend);
  } catch (error) {
    await Promise.allSettled(stores.map((store) => store.close()));
    throw error;
  }
}
