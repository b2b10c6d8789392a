import type { Db } from "../../store/db.js";

import { entryHash, GENESIS_HASH } from "./audit-record.fns.js";
import * as repo from "./audit.repo.js";
import type { ChainBreak, ChainVerification } from "./audit.types.js";
import { canonicalJson } from "./canonical-json.fns.js";

/** Whether a stored row still hashes to its stored hash, details text included byte for byte. */
function isIntact(stored: repo.StoredAuditEntry): boolean {
  const { hash, ...rest } = stored.entry;
  try {
    return canonicalJson(rest.details) === stored.detailsText && entryHash(rest) === hash;
  } catch {
    // A hand-edited time can be outside what Date represents: that row is not intact either.
    return false;
  }
}

/**
 * Walks the chain from `fromSequence` to `toSequence` (default: all of it) in batches and names
 * the first entry that is edited (`hash_mismatch`), re-hashed or replaced (`chain_broken`),
 * deleted (`missing`), or that disagrees with the head row (`head_mismatch`: entries removed
 * from, or slipped in after, the end).
 */
export async function verifyStoredChain(
  db: Db,
  range: { fromSequence?: number | undefined; toSequence?: number | undefined },
  batchSize: number,
): Promise<ChainVerification> {
  const head = await repo.readHead(db);
  const from = Math.max(1, range.fromSequence ?? 1);
  const to = Math.min(range.toSequence ?? head.sequence, head.sequence);
  let checked = 0;
  const report = (firstInvalid: number | null, reason: ChainBreak | null): ChainVerification => ({
    isValid: firstInvalid === null,
    entriesChecked: checked,
    fromSequence: from,
    toSequence: to,
    firstInvalidSequence: firstInvalid,
    reason,
    headSequence: head.sequence,
    headHash: head.hash,
  });

  // The link into the range: genesis, or the hash of the entry just before it (if it survives;
  // a missing one is a break outside the range, reported when that part is verified).
  let expectedPrev: string | null =
    from === 1 ? GENESIS_HASH : ((await repo.findEntryBySequence(db, from - 1))?.hash ?? null);
  let expectedSequence = from;

  while (expectedSequence <= to) {
    const batch = await repo.entriesInRange(db, expectedSequence, to, batchSize);
    for (const stored of batch) {
      const { entry } = stored;
      if (entry.sequence !== expectedSequence) return report(expectedSequence, "missing");
      checked++;
      if (!isIntact(stored)) return report(entry.sequence, "hash_mismatch");
      if (expectedPrev !== null && entry.prevHash !== expectedPrev) {
        return report(entry.sequence, "chain_broken");
      }
      expectedPrev = entry.hash;
      expectedSequence++;
    }
    if (batch.length < batchSize) break;
  }
  if (expectedSequence <= to) return report(expectedSequence, "missing");

  if (to === head.sequence) {
    if (to > 0 && expectedPrev !== head.hash) return report(to, "head_mismatch");
    if (to === 0 && head.hash !== GENESIS_HASH) return report(0, "head_mismatch");
    if (head.maxStoredSequence > head.sequence) return report(head.sequence + 1, "head_mismatch");
  }
  return report(null, null);
}
