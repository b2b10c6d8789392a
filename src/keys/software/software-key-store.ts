import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";

import { systemClock, type Clock } from "../../lib/clock.js";
import { isKeyType, KEY_TYPES, type KeyType, type Signer } from "../../pki/signer.js";
import { KeyStoreConfigError, KeyStoreError } from "../errors.js";
import { signDigestsWithKeyObject } from "../key-object-digest.js";
import { createKeyObjectSigner, keyTypeOf } from "../key-object-signer.js";
import { assertKeyRefOf, newKeyRef } from "../key-ref.js";
import type {
  GenerateKeyOptions,
  ImportKeyOptions,
  KeyExporter,
  KeyImporter,
  KeyInfo,
  KeyStore,
} from "../key-store.js";

import { AES_KEY_BYTES, open, seal } from "./envelope.js";
import { generatePrivateKey } from "./generate.js";
import { loadMasterKey, masterKeyFileExists, type MasterKeySource } from "./master-key.js";
import type { SealedKeyRecord, SoftwareKeyRepository } from "./software-key-repository.js";

export interface SoftwareKeyStoreOptions extends MasterKeySource {
  repository: SoftwareKeyRepository;
  clock?: Clock;
  /** Decrypted keys kept in memory for fast signing; 0 disables the cache. */
  cacheSize?: number;
}

export type SoftwareKeyStore = KeyStore & KeyImporter & KeyExporter;

interface LoadedKey {
  privateKey: KeyObject;
  keyType: KeyType;
  signer: Signer;
}

/**
 * AAD for each layer (RFC 5116 §2.1): the data key is bound to its key ref and master key id;
 * the private key to its ref, type and export flag, so editing the row (say, turning on
 * `is_exportable`) or moving a sealed blob to another row makes it fail to open.
 */
function dataKeyAad(keyRef: string, masterKeyId: string): Buffer {
  return Buffer.from(`certsmith/data-key/v1\n${keyRef}\n${masterKeyId}`, "utf8");
}
function privateKeyAad(keyRef: string, keyType: string, isExportable: boolean): Buffer {
  return Buffer.from(
    `certsmith/private-key/v1\n${keyRef}\n${keyType}\n${isExportable ? "exportable" : "sealed"}`,
    "utf8",
  );
}

/**
 * The `software` backend: envelope encryption at rest (DESIGN.md §2). Each private key is a
 * PKCS#8 DER sealed with AES-256-GCM under its own random data key; the data key is sealed
 * under the master key. Opening checks the master key against the stored key-check value, so a
 * wrong key stops start-up instead of failing on first use.
 */
export async function openSoftwareKeyStore(
  options: SoftwareKeyStoreOptions,
): Promise<SoftwareKeyStore> {
  const { repository } = options;
  const clock = options.clock ?? systemClock;
  const cacheSize = options.cacheSize ?? 256;
  const checks = await repository.listMasterKeyChecks();
  const fileExists = options.masterKey === null && masterKeyFileExists(options.masterKeyFile);
  const masterKey = loadMasterKey(options, checks.length === 0 && !fileExists);
  if (checks.length === 0) {
    await repository.insertMasterKeyCheck({
      id: masterKey.id,
      checkValue: masterKey.checkValue,
      createdAt: clock.now(),
    });
  } else if (!checks.some((c) => c.checkValue === masterKey.checkValue)) {
    throw new KeyStoreConfigError(
      `the master key from ${masterKey.source} is not the one this database's software keys were sealed with: set the right CERTSMITH_MASTER_KEY or restore the original master key file`,
    );
  }

  let isClosed = false;
  // keyRef → decrypted key; Map keeps insertion order, so the first entry is the oldest.
  const cache = new Map<string, LoadedKey>();

  function assertOpen(): void {
    if (isClosed)
      throw new KeyStoreError("backend_unavailable", "the software key store is closed");
  }

  async function findRecord(keyRef: string): Promise<SealedKeyRecord> {
    assertOpen();
    assertKeyRefOf("software", keyRef);
    const record = await repository.findKey(keyRef);
    if (!record) {
      cache.delete(keyRef);
      throw new KeyStoreError("key_not_found", `no software key "${keyRef}"`);
    }
    return record;
  }

  function unseal(record: SealedKeyRecord): Buffer {
    if (record.masterKeyId !== masterKey.id) {
      throw new KeyStoreError(
        "key_integrity",
        `software key "${record.keyRef}" is sealed under master key ${record.masterKeyId}, not the current one`,
      );
    }
    const dataKey = open(
      masterKey.key,
      record.wrappedDataKey,
      dataKeyAad(record.keyRef, record.masterKeyId),
      `the data key of software key "${record.keyRef}"`,
    );
    try {
      return open(
        dataKey,
        record.sealedPrivateKey,
        privateKeyAad(record.keyRef, record.keyType, record.isExportable),
        `software key "${record.keyRef}"`,
      );
    } finally {
      dataKey.fill(0);
    }
  }

  async function loadPrivateKey(keyRef: string): Promise<LoadedKey> {
    // Always read the row: a key destroyed through another node must stop signing here too.
    const record = await findRecord(keyRef);
    const cached = cache.get(keyRef);
    if (cached) return cached;
    const pkcs8 = unseal(record);
    let loaded: LoadedKey;
    try {
      const privateKey = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
      const keyType = keyTypeOf(privateKey);
      if (keyType !== record.keyType)
        throw new Error(`stored type ${record.keyType}, key is ${keyType}`);
      loaded = { privateKey, keyType, signer: createKeyObjectSigner(privateKey) };
    } catch (error) {
      throw new KeyStoreError("key_integrity", `software key "${keyRef}" does not decode`, {
        cause: error,
      });
    } finally {
      pkcs8.fill(0);
    }
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(keyRef, loaded);
    }
    return loaded;
  }

  async function store(
    privateKey: KeyObject,
    options: GenerateKeyOptions | ImportKeyOptions,
  ): Promise<KeyInfo> {
    const keyType = keyTypeOf(privateKey);
    const keyRef = newKeyRef("software");
    const isExportable = options.isExportable ?? false;
    const publicKeySpki = new Uint8Array(
      createPublicKey(privateKey).export({ type: "spki", format: "der" }),
    );
    const dataKey = randomBytes(AES_KEY_BYTES);
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
    let record: SealedKeyRecord;
    try {
      record = {
        keyRef,
        keyType,
        label: options.label ?? null,
        isExportable,
        publicKeySpki,
        masterKeyId: masterKey.id,
        wrappedDataKey: seal(masterKey.key, dataKey, dataKeyAad(keyRef, masterKey.id)),
        sealedPrivateKey: seal(dataKey, pkcs8, privateKeyAad(keyRef, keyType, isExportable)),
        createdAt: clock.now(),
      };
    } finally {
      dataKey.fill(0);
      pkcs8.fill(0);
    }
    await repository.insertKey(record);
    return { keyRef, backend: "software", keyType, publicKeySpki };
  }

  return {
    backend: "software",
    keyTypes: KEY_TYPES,

    async generate(keyType, generateOptions = {}) {
      assertOpen();
      if (!isKeyType(keyType)) {
        throw new KeyStoreError("unsupported", `key type "${String(keyType)}" is not supported`);
      }
      return store(await generatePrivateKey(keyType), generateOptions);
    },

    async importPrivateKey(pkcs8Der, importOptions = {}) {
      assertOpen();
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey({ key: Buffer.from(pkcs8Der), format: "der", type: "pkcs8" });
      } catch (error) {
        throw new KeyStoreError("invalid_key", "the private key is not a readable PKCS#8 key", {
          cause: error,
        });
      }
      return store(privateKey, importOptions);
    },

    async exportPrivateKey(keyRef) {
      const record = await findRecord(keyRef);
      if (!record.isExportable) {
        throw new KeyStoreError("not_exportable", `software key "${keyRef}" is not exportable`);
      }
      return new Uint8Array(unseal(record));
    },

    async signer(keyRef): Promise<Signer> {
      return (await loadPrivateKey(keyRef)).signer;
    },

    async signDigests(keyRef, digests, scheme) {
      const { privateKey, keyType } = await loadPrivateKey(keyRef);
      return signDigestsWithKeyObject(privateKey, keyType, digests, scheme);
    },

    async publicKey(keyRef) {
      const record = await findRecord(keyRef);
      if (!isKeyType(record.keyType)) {
        throw new KeyStoreError("key_integrity", `software key "${keyRef}" has an unknown type`);
      }
      return {
        keyRef,
        backend: "software",
        keyType: record.keyType,
        publicKeySpki: record.publicKeySpki,
      };
    },

    async destroy(keyRef) {
      assertOpen();
      assertKeyRefOf("software", keyRef);
      cache.delete(keyRef);
      await repository.deleteKey(keyRef);
    },

    close() {
      isClosed = true;
      cache.clear();
      return Promise.resolve();
    },
  };
}
