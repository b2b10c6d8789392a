import { describe, expect, it } from "vitest";

import { KeyStoreConfigError, KeyStoreError } from "./errors.js";
import { backendOfKeyRef, isKeyRef, newKeyRef } from "./key-ref.js";
import { createKeyStoreRegistry } from "./key-store-registry.js";
import type { KeyBackendName, KeyStore } from "./key-store.js";

/** Just enough of a KeyStore to route to; the registry calls nothing but `backend` and `close`. */
function namedStore(backend: KeyBackendName, closed: KeyBackendName[]): KeyStore {
  const refuse = () => Promise.reject(new Error("not used by the registry"));
  return {
    backend,
    keyTypes: [],
    generate: refuse,
    signer: refuse,
    signDigests: refuse,
    publicKey: refuse,
    destroy: refuse,
    close: () => {
      closed.push(backend);
      return Promise.resolve();
    },
  };
}

describe("key refs", () => {
  it("name their backend and a ULID", () => {
    const ref = newKeyRef("pkcs11");
    expect(ref).toMatch(/^pkcs11:[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isKeyRef(ref)).toBe(true);
    expect(backendOfKeyRef(ref)).toBe("pkcs11");
  });

  it("refuse anything else as key_not_found, without echoing control characters", () => {
    for (const bad of [
      "",
      "software:",
      "hsm:01JD3ZQ8T3Y6W2V5N0M4K8P2R7",
      "software:01jd3zq8t3y6w2v5n0m4k8p2r7",
    ]) {
      expect(isKeyRef(bad)).toBe(false);
      expect(() => backendOfKeyRef(bad)).toThrow(KeyStoreError);
    }
    expect(() => backendOfKeyRef("a\u0000b")).toThrow(/\(non-printable\)/);
  });
});

describe("key store registry", () => {
  it("routes a key ref to the backend that holds it and closes every backend", async () => {
    const closed: KeyBackendName[] = [];
    const registry = createKeyStoreRegistry(
      [namedStore("software", closed), namedStore("pkcs11", closed)],
      "pkcs11",
    );
    expect(registry.forKeyRef(newKeyRef("software")).backend).toBe("software");
    expect(registry.forKeyRef(newKeyRef("pkcs11")).backend).toBe("pkcs11");
    expect(registry.get(registry.defaultBackend).backend).toBe("pkcs11");
    await registry.close();
    expect(closed.sort()).toEqual(["pkcs11", "software"]);
  });

  it("answers backend_unavailable for a backend that is not configured", () => {
    const registry = createKeyStoreRegistry([namedStore("software", [])], "software");
    expect(registry.has("pkcs11")).toBe(false);
    expect(() => registry.forKeyRef(newKeyRef("pkcs11"))).toThrow(
      expect.objectContaining({ code: "backend_unavailable" }) as Error,
    );
  });

  it("refuses a default backend that is not configured, as a start-up error", () => {
    expect(() => createKeyStoreRegistry([namedStore("software", [])], "pkcs11")).toThrow(
      KeyStoreConfigError,
    );
  });
});
