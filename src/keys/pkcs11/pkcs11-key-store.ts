import pkcs11js from "pkcs11js";

import type { Pkcs11Config } from "../../config/config.types.js";
import { isKeyType, KEY_TYPES, type KeyType, type Signer } from "../../pki/signer.js";
import { assertDigestLength } from "../digest.js";
import { ecdsaRawToDer } from "../ecdsa-der.js";
import { KeyStoreError } from "../errors.js";
import { assertKeyRefOf, newKeyRef } from "../key-ref.js";
import type { KeyInfo, KeyStore } from "../key-store.js";

import { keyPairTemplates } from "./key-templates.js";
import { dataSigning, digestSigning, type TokenSigning } from "./mechanisms.js";
import { tokenError, type Handle } from "./pkcs11-module.js";
import { readPublicKey } from "./public-key.js";
import { openTokenSessions } from "./token-sessions.js";

export interface Pkcs11KeyStoreOptions {
  /** Sessions kept open for parallel signing (each signs one thing at a time). */
  sessions?: number;
}

interface TokenKey {
  privateKey: Handle;
  keyType: KeyType;
  spki: Uint8Array;
}

/** Big enough for any signature here: RSA-4096 is 512 bytes. */
const SIGNATURE_BUFFER_BYTES = 1024;

/**
 * The `pkcs11` backend: keys are generated inside the token, non-extractable, and every
 * signature is computed there (DESIGN.md §2). The token is the only store: a key is found by
 * CKA_ID = its key ref, so nothing about it needs to be in our database. No import or export:
 * a private key never crosses the PKCS#11 boundary in either direction.
 */
export function openPkcs11KeyStore(
  config: Pkcs11Config,
  options: Pkcs11KeyStoreOptions = {},
): KeyStore {
  const token = openTokenSessions(config, options.sessions ?? 4);
  const { pkcs11 } = token;
  // keyRef → handles and public data; handles stay valid for this application (v2.40 §4.4.1).
  const keys = new Map<string, TokenKey>();

  function findObjects(session: Handle, keyRef: string, objectClass: number): Handle[] {
    pkcs11.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: objectClass },
      { type: pkcs11js.CKA_ID, value: Buffer.from(keyRef, "utf8") },
    ]);
    try {
      return pkcs11.C_FindObjects(session, 16);
    } finally {
      pkcs11.C_FindObjectsFinal(session);
    }
  }

  async function lookUp(keyRef: string): Promise<TokenKey> {
    assertKeyRefOf("pkcs11", keyRef);
    const known = keys.get(keyRef);
    if (known) return known;
    return token.use((session) => {
      try {
        const [privateKey] = findObjects(session, keyRef, pkcs11js.CKO_PRIVATE_KEY);
        const [publicKey] = findObjects(session, keyRef, pkcs11js.CKO_PUBLIC_KEY);
        if (!privateKey || !publicKey) {
          throw new KeyStoreError(
            "key_not_found",
            `no key "${keyRef}" on token "${token.tokenLabel}"`,
          );
        }
        const { keyType, spki } = readPublicKey(pkcs11, session, publicKey);
        const found = { privateKey, keyType, spki };
        keys.set(keyRef, found);
        return found;
      } catch (error) {
        throw tokenError(error, `find key "${keyRef}"`);
      }
    });
  }

  async function signOnToken(
    keyRef: string,
    key: TokenKey,
    signing: TokenSigning,
  ): Promise<Uint8Array> {
    const signature = await token.use(async (session) => {
      try {
        pkcs11.C_SignInit(session, signing.mechanism, key.privateKey);
        return await pkcs11.C_SignAsync(
          session,
          signing.input,
          Buffer.alloc(SIGNATURE_BUFFER_BYTES),
        );
      } catch (error) {
        const converted = tokenError(error, `sign with key "${keyRef}"`);
        // Destroyed through another node (or the token was re-initialised): forget the handle.
        if (converted.code === "key_not_found") keys.delete(keyRef);
        throw converted;
      }
    });
    return signing.isRawEcdsa ? ecdsaRawToDer(signature) : new Uint8Array(signature);
  }

  return {
    backend: "pkcs11",
    keyTypes: KEY_TYPES,

    async generate(keyType) {
      if (!isKeyType(keyType)) {
        throw new KeyStoreError("unsupported", `key type "${String(keyType)}" is not supported`);
      }
      const keyRef = newKeyRef("pkcs11");
      const templates = keyPairTemplates(keyType, keyRef);
      const key = await token.use(async (session) => {
        try {
          const pair = await pkcs11.C_GenerateKeyPairAsync(
            session,
            templates.mechanism,
            templates.publicKey,
            templates.privateKey,
          );
          const { spki } = readPublicKey(pkcs11, session, pair.publicKey);
          return { privateKey: pair.privateKey, keyType, spki };
        } catch (error) {
          throw tokenError(error, `generate a ${keyType} key`);
        }
      });
      keys.set(keyRef, key);
      return { keyRef, backend: "pkcs11", keyType, publicKeySpki: key.spki } satisfies KeyInfo;
    },

    async signer(keyRef): Promise<Signer> {
      const key = await lookUp(keyRef);
      return {
        keyType: key.keyType,
        publicKeySpki: key.spki,
        async sign(data, scheme) {
          return signOnToken(keyRef, key, dataSigning(key.keyType, scheme, data));
        },
      };
    },

    async signDigests(keyRef, digests, scheme) {
      const key = await lookUp(keyRef);
      const signings = digests.map((digest) => digestSigning(key.keyType, scheme, digest));
      for (const digest of digests) assertDigestLength(scheme.hash, digest);
      // One C_Sign per digest (PKCS#11 has no batch signing), spread over the session pool.
      return Promise.all(signings.map((signing) => signOnToken(keyRef, key, signing)));
    },

    async publicKey(keyRef) {
      const key = await lookUp(keyRef);
      return { keyRef, backend: "pkcs11", keyType: key.keyType, publicKeySpki: key.spki };
    },

    async destroy(keyRef) {
      assertKeyRefOf("pkcs11", keyRef);
      keys.delete(keyRef);
      await token.use((session) => {
        try {
          for (const objectClass of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY]) {
            for (const object of findObjects(session, keyRef, objectClass)) {
              pkcs11.C_DestroyObject(session, object);
            }
          }
        } catch (error) {
          throw tokenError(error, `destroy key "${keyRef}"`);
        }
      });
    },

    async close() {
      keys.clear();
      await token.close();
    },
  };
}
