// Ids of stored records (audit entries, bulk jobs, surveys). They are UUIDv7: random, but starting
// with the time, so each new id lands at the end of the index it is keyed in (the audit log's id
// index; job_rows, whose key starts with the job id) instead of at a random page of it. Random hex
// digits are drawn many ids at a time.
import { randomFillSync } from 'node:crypto';

const ENTROPY_IDS = 256;
let entropyHex = '';
let entropyOffset = 0;
const HEX_PER_ID = 20; // 80 random bits: 12 + 62 of them are used

export function timeOrderedId(at: Date): string {
  if (entropyOffset === entropyHex.length) {
    entropyHex = randomFillSync(Buffer.alloc((ENTROPY_IDS * HEX_PER_ID) / 2)).toString('hex');
    entropyOffset = 0;
  }
  const random = entropyHex.slice(entropyOffset, entropyOffset + HEX_PER_ID);
  entropyOffset += HEX_PER_ID;
  const time = Math.max(0, at.getTime()).toString(16).padStart(12, '0').slice(-12);
  // version 7 in the 13th digit; the RFC 9562 variant (binary 10) in the top bits of the 17th.
  const variant = ((parseInt(random[3]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}

