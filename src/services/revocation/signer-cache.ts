import type { KeyStoreRegistry } from "../../keys/key-store-registry.js";
import type { Signer } from "../../pki/signer.js";

/**
 * Signers by key reference, opened once per process: opening a software key unseals it and a
 * PKCS#11 key needs a session lookup, which the OCSP hot path should not repeat per request.
 */
export function createSignerCache(keys: Pick<KeyStoreRegistry, "forKeyRef">) {
  const signers = new Map<string, Promise<Signer>>();

  function signerFor(keyRef: string): Promise<Signer> {
    let signer = signers.get(keyRef);
    if (!signer) {
      signer = keys.forKeyRef(keyRef).signer(keyRef);
      // A failed open (HSM down) must not stay cached.
      signer.catch(() => signers.delete(keyRef));
      signers.set(keyRef, signer);
    }
    return signer;
  }

  return {
    signerFor,
    forget(keyRef: string): void {
      signers.delete(keyRef);
    },
  };
}

export type SignerCache = ReturnType<typeof createSignerCache>;
