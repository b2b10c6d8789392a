import { generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

import type { KeyType } from "../../pki/signer.js";

const generate = promisify(generateKeyPair);

/** A new private key of `keyType`, made off the event loop (RSA-4096 takes seconds). */
export async function generatePrivateKey(keyType: KeyType): Promise<KeyObject> {
  switch (keyType) {
    case "RSA-2048":
    case "RSA-3072":
    case "RSA-4096": {
      const modulusLength = Number(keyType.slice(4));
      return (await generate("rsa", { modulusLength, publicExponent: 0x10001 })).privateKey;
    }
    case "ECDSA-P256":
      return (await generate("ec", { namedCurve: "prime256v1" })).privateKey;
    case "ECDSA-P384":
      return (await generate("ec", { namedCurve: "secp384r1" })).privateKey;
    case "ECDSA-P521":
      return (await generate("ec", { namedCurve: "secp521r1" })).privateKey;
    case "Ed25519":
      return (await generate("ed25519", {})).privateKey;
  }
}
