/**
 * Creates PKCS#10 requests (RFC 2986) signed through a Signer: for intermediates whose CSR is
 * exported to another CA, and for tests that need a CSR from a key we hold.
 */

import { bitString, implicitConstructed, integer, oid, sequence, setOf } from "./der-encode.js";
import {
  basicConstraintsExtension,
  extendedKeyUsageExtension,
  keyUsageExtension,
  subjectAltNameExtension,
  type KeyUsage,
} from "./extensions.js";
import { toGeneralName, type SanInput } from "./general-names.js";
import { encodeName, type Subject } from "./names.js";
import { OID } from "./oids.js";
import { signatureAlgorithmFor } from "./signature-algorithms.js";
import type { Signer } from "./signer.js";

export interface CsrTemplate {
  subject: Subject;
  subjectAltNames?: SanInput[];
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: string[];
  /** Ask for a CA certificate (basicConstraints cA, optional path length). */
  isCa?: boolean;
  pathLength?: number | null;
}

/** A DER CSR for the signer's key, carrying the template as an extensionRequest. */
export async function buildCsr(template: CsrTemplate, signer: Signer): Promise<Uint8Array> {
  const subjectDer = encodeName(template.subject);
  const extensions: Uint8Array[] = [];
  if (template.isCa) extensions.push(basicConstraintsExtension(true, template.pathLength));
  if (template.keyUsage?.length) extensions.push(keyUsageExtension(template.keyUsage));
  if (template.extendedKeyUsage?.length)
    extensions.push(extendedKeyUsageExtension(template.extendedKeyUsage));
  const names = (template.subjectAltNames ?? []).map((name) => toGeneralName(name));
  if (names.length > 0) extensions.push(subjectAltNameExtension(names, subjectDer.length === 2));
  // RFC 2986 §4.1: attributes [0] IMPLICIT SET OF Attribute; extensionRequest per RFC 2985 §5.4.2.
  const attributes =
    extensions.length > 0
      ? implicitConstructed(0, sequence(oid(OID.extensionRequest), setOf(sequence(...extensions))))
      : implicitConstructed(0, new Uint8Array());
  const info = sequence(integer(0), subjectDer, signer.publicKeySpki, attributes);
  const algorithm = signatureAlgorithmFor(signer.keyType);
  const signature = await signer.sign(info, algorithm.scheme);
  return sequence(info, algorithm.identifier, bitString(signature));
}
