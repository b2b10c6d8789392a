import { createECDH, createHash, randomBytes, type KeyObject } from "node:crypto";

import type { KeyType } from "../pki/signer.js";

import { ecdsaRawToDer } from "./ecdsa-der.js";

/**
 * ECDSA over digests the caller computed (CSC signHash), which `crypto.sign` cannot do: it
 * always hashes its input again (csc-api-v2.md §6.3). The expensive step, the fixed-base scalar
 * multiplication R = k·G, runs natively and in constant time inside OpenSSL through
 * `ECDH.setPrivateKey(k)` (which derives the public point k·G); the rest of SEC 1 §4.1.3 is a
 * few operations modulo the group order n on BigInts. A batch of digests shares one modular
 * inversion (Montgomery's trick), so the cost per signature is one native multiplication and
 * a handful of 256- to 521-bit products: close to OpenSSL's own signing rate.
 *
 * Nonces are hedged, as OpenSSL's own `BN_generate_dsa_nonce` does: k is drawn from SHAKE256 keyed
 * with fresh CSPRNG bytes, the private scalar and the digests (RFC 6979 §3.6's "additional
 * data" idea), so a weak random source alone cannot repeat a nonce; candidates outside [1, n-1]
 * are rejected, keeping k uniform (FIPS 186-5 §A.3.2).
 *
 * BigInt arithmetic is not constant-time; the private scalar enters only `r·d + z` and the
 * nonce derivation. The same holds for pure-JavaScript ECDSA libraries; keys that must resist
 * local timing observers belong in the PKCS#11 backend.
 */
interface Curve {
  /** OpenSSL's curve name for `createECDH`. */
  opensslName: string;
  /** Group order n. */
  order: bigint;
  /** Bit length of n. */
  orderBits: number;
  /** Byte length of n (and of r and s in r‖s form). */
  orderBytes: number;
}

const CURVES: Partial<Record<KeyType, Curve>> = {
  "ECDSA-P256": curve(
    "prime256v1",
    0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ),
  "ECDSA-P384": curve(
    "secp384r1",
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ),
  "ECDSA-P521": curve(
    "secp521r1",
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  ),
};

function curve(opensslName: string, order: bigint): Curve {
  const orderBits = order.toString(2).length;
  return { opensslName, order, orderBits, orderBytes: Math.ceil(orderBits / 8) };
}

export function isEcdsaKeyType(keyType: KeyType): boolean {
  return CURVES[keyType] !== undefined;
}

/** DER `Ecdsa-Sig-Value`s (RFC 3279 §2.2.3), one per digest, in order. */
export function signEcdsaDigests(
  privateKey: KeyObject,
  keyType: KeyType,
  digests: readonly Uint8Array[],
): Uint8Array[] {
  const params = CURVES[keyType];
  if (params === undefined) throw new TypeError(`${keyType} is not an ECDSA key type`);
  const { order: n, orderBytes } = params;
  const scalar = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
  try {
    const d = toBigInt(scalar);
    const ecdh = createECDH(params.opensslName);
    const nonces = new NonceStream(params, scalar, digests);
    const ks: bigint[] = [];
    const rs: bigint[] = [];
    for (let i = 0; i < digests.length; i++) {
      for (;;) {
        const k = nonces.next();
        ecdh.setPrivateKey(toBytes(k, orderBytes));
        // Compressed point: 0x02/0x03 ‖ x. r = x(k·G) mod n (SEC 1 §4.1.3 steps 1–3).
        const r = toBigInt(ecdh.getPublicKey(null, "compressed").subarray(1)) % n;
        if (r === 0n) continue;
        ks.push(k);
        rs.push(r);
        break;
      }
    }
    const inverses = batchInvert(ks, n);
    return digests.map((digest, i) => {
      const z = digestToInteger(digest, params);
      // s = k⁻¹(z + r·d) mod n (step 6). s = 0 has probability ~2⁻²⁵⁶; re-sign that one alone.
      const s = (inverses[i]! * ((z + rs[i]! * d) % n)) % n;
      if (s === 0n) return signEcdsaDigests(privateKey, keyType, [digest])[0]!;
      return ecdsaRawToDer(Buffer.concat([toBytes(rs[i]!, orderBytes), toBytes(s, orderBytes)]));
    });
  } finally {
    scalar.fill(0);
  }
}

/**
 * Nonces k in [1, n-1] for one batch: SHAKE256 over 32 fresh CSPRNG bytes, the private scalar
 * and every digest of the batch (see the header for why it is hedged), read as a stream of
 * order-length candidates; one hash call serves the whole batch. A candidate outside [1, n-1]
 * (probability < 2⁻³² per candidate on these curves) is skipped for the next one, which keeps k
 * uniform; a drained stream is refilled with a block counter.
 */
class NonceStream {
  private readonly seed: Buffer;
  private readonly excessBits: number;
  private block = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly params: Curve,
    scalar: Buffer,
    digests: readonly Uint8Array[],
  ) {
    const seed = createHash("sha512").update(randomBytes(32)).update(scalar);
    for (const digest of digests) seed.update(digest);
    this.seed = seed.digest();
    this.excessBits = params.orderBytes * 8 - params.orderBits;
    this.refill(digests.length + 2);
  }

  next(): bigint {
    const size = this.params.orderBytes;
    for (;;) {
      if (this.offset + size > this.buffer.length) this.refill(8);
      const candidate = this.buffer.subarray(this.offset, this.offset + size);
      this.offset += size;
      candidate[0]! &= 0xff >> this.excessBits;
      const k = toBigInt(candidate);
      candidate.fill(0);
      if (k !== 0n && k < this.params.order) return k;
    }
  }

  private refill(candidates: number): void {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.block++);
    this.buffer.fill(0);
    this.buffer = createHash("shake256", { outputLength: candidates * this.params.orderBytes })
      .update(this.seed)
      .update(counter)
      .digest();
    this.offset = 0;
  }
}

/** The leftmost orderBits bits of the digest as an integer (SEC 1 §4.1.3 step 5). */
function digestToInteger(digest: Uint8Array, params: Curve): bigint {
  const z = toBigInt(digest);
  const excess = digest.length * 8 - params.orderBits;
  return excess > 0 ? z >> BigInt(excess) : z;
}

/** Every value's inverse modulo the prime n with one extended-Euclid inversion. */
function batchInvert(values: readonly bigint[], n: bigint): bigint[] {
  const prefix: bigint[] = [];
  let running = 1n;
  for (const value of values) {
    prefix.push(running);
    running = (running * value) % n;
  }
  let inverse = invert(running, n);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inverse * prefix[i]!) % n;
    inverse = (inverse * values[i]!) % n;
  }
  return out;
}

function invert(a: bigint, n: bigint): bigint {
  let [r0, r1] = [a % n, n];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % n) + n) % n;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, "0"), "hex");
}
