import pkcs11js from "pkcs11js";

import type { KeyType } from "../../pki/signer.js";

import { CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN } from "./pkcs11-module.js";

type Template = pkcs11js.Template;

/**
 * CKA_EC_PARAMS: the DER OID of the named curve (X9.62 ECParameters, PKCS#11 v2.40 Mechanisms
 * §2.3.3); for Ed25519 the id-Ed25519 OID of RFC 8410 §3, which SoftHSM2 accepts (PKCS#11 v3.0
 * Mechanisms §2.3.5 also allows the printable string "edwards25519").
 */
export const EC_PARAMS: Partial<Record<KeyType, Buffer>> = {
  "ECDSA-P256": Buffer.from("06082a8648ce3d030107", "hex"),
  "ECDSA-P384": Buffer.from("06052b81040022", "hex"),
  "ECDSA-P521": Buffer.from("06052b81040023", "hex"),
  Ed25519: Buffer.from("06032b6570", "hex"),
};

export const JWK_CURVE: Partial<Record<KeyType, string>> = {
  "ECDSA-P256": "P-256",
  "ECDSA-P384": "P-384",
  "ECDSA-P521": "P-521",
};

export interface KeyPairTemplates {
  mechanism: pkcs11js.Mechanism;
  publicKey: Template;
  privateKey: Template;
}

/**
 * Templates for a token key pair that signs and never leaves the token: CKA_TOKEN (persistent),
 * CKA_PRIVATE (login needed), CKA_SENSITIVE and CKA_EXTRACTABLE=false, so neither the value nor
 * a wrapped copy can be read out (PKCS#11 v2.40 §4.9, table 31). CKA_ID and CKA_LABEL carry the
 * key ref, which is how the key is found again and how an operator recognises it.
 */
export function keyPairTemplates(keyType: KeyType, keyRef: string): KeyPairTemplates {
  const id = Buffer.from(keyRef, "utf8");
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_LABEL, value: keyRef },
  ];
  const publicCommon = [
    ...common,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_VERIFY, value: true },
  ];
  const privateCommon = [
    ...common,
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
  if (keyType.startsWith("RSA-")) {
    const keyTypeAttr = { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA };
    return {
      mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      publicKey: [
        ...publicCommon,
        keyTypeAttr,
        { type: pkcs11js.CKA_MODULUS_BITS, value: Number(keyType.slice(4)) },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      privateKey: [...privateCommon, keyTypeAttr],
    };
  }
  const isEdwards = keyType === "Ed25519";
  const keyTypeAttr = {
    type: pkcs11js.CKA_KEY_TYPE,
    value: isEdwards ? CKK_EC_EDWARDS : pkcs11js.CKK_EC,
  };
  return {
    mechanism: {
      mechanism: isEdwards ? CKM_EC_EDWARDS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN,
    },
    publicKey: [
      ...publicCommon,
      keyTypeAttr,
      { type: pkcs11js.CKA_EC_PARAMS, value: EC_PARAMS[keyType]! },
    ],
    privateKey: [...privateCommon, keyTypeAttr],
  };
}
