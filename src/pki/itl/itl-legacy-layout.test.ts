import { constants, createPublicKey, sign } from "node:crypto";

import { describe, expect, it } from "vitest";

import { fixture } from "../../../test/fixtures/itl/fixtures.js";

import { parseItlFile } from "./itl-file.js";

/**
 * The layout of the first Python reference (spec §1, §1.2, §2.1: U1-hist 5ef75d8): signer info in
 * Cisco's numeric order 4, 5, 6, names joined with ";", records 1, 2, 3, 4, 5, 6, 7, 8, 9 with a
 * DNS_NAME, plus the Cisco-only tags 10–12. Assembled by hand here and signed with node:crypto.
 */
const tlv = (tag: number, value: Buffer) =>
  Buffer.concat([Buffer.from([tag, value.length >> 8, value.length & 0xff]), value]);
const str = (text: string) => Buffer.from(`${text}\0`);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

describe("the ITL parser accepts the earlier reference layout (spec §1.2, §2.1)", () => {
  it("reads signer info 4-5-6, ';' names, records with DNS_NAME and tags 10–12", () => {
    const sast = fixture("sast");
    const der = Buffer.from(sast.der);
    const name = "CN=SAST;O=SAST;OU=SAST";
    const serial = Buffer.from("bc77a1c2d3e4f5061728394a5b6c7d8e", "hex");
    const recordBody = Buffer.concat([
      tlv(2, str("sast.example.test")),
      tlv(3, str(name)),
      tlv(4, u16(0)),
      tlv(5, str(name)),
      tlv(6, serial),
      tlv(7, createPublicKey(sast.key).export({ type: "pkcs1", format: "der" })),
      // An RSA-2048 certificate ends with its 256-byte signatureValue.
      tlv(8, der.subarray(der.length - 256)),
      tlv(9, der),
      tlv(10, Buffer.from([192, 0, 2, 1])),
      tlv(11, Buffer.alloc(20, 7)),
      tlv(12, Buffer.from([1])),
    ]);
    const body = Buffer.concat([tlv(1, u16(recordBody.length + 5)), recordBody]);

    const front = Buffer.concat([
      tlv(1, Buffer.from([1, 2])),
      tlv(2, u16(0)),
      tlv(3, Buffer.concat([tlv(4, str(name)), tlv(5, serial), tlv(6, str(name))])),
      tlv(
        7,
        Buffer.concat([
          tlv(8, Buffer.from([1])),
          tlv(9, Buffer.concat([tlv(10, Buffer.from([0])), tlv(11, Buffer.from([2]))])),
        ]),
      ),
    ]);
    const back = Buffer.concat([
      tlv(14, str("ITLFile.tlv")),
      tlv(15, Buffer.from("6553f100", "hex")),
    ]);
    const unpadded = front.length + 259 + back.length;
    const padding = Buffer.alloc((4 - (unpadded % 4)) % 4, 0x0d);
    front.writeUInt16BE(unpadded + padding.length, 8);
    const signature = sign("sha1", Buffer.concat([front, back, padding, body]), {
      key: sast.key,
      padding: constants.RSA_PKCS1_PADDING,
    });
    const file = Buffer.concat([front, tlv(12, signature), back, padding, body]);

    const parsed = parseItlFile(new Uint8Array(file));
    expect(parsed.header.signerName).toBe(name);
    expect(parsed.header.timestamp).toBe(0x6553f100);
    expect(parsed.signerRecord.dnsName).toBe("sast.example.test");
    expect(parsed.signerRecord.subjectName).toBe(name);
    expect(Buffer.from(parsed.signerRecord.ipAddress!).toString("hex")).toBe("c0000201");
    expect(parsed.signerRecord.certificateHash?.length).toBe(20);
  });
});
