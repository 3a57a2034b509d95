// Rows broken by text SQLite could not store. Before the keyed chain, a text field (a reason, say)
// holding a lone UTF-16 surrogate was hashed as the JavaScript string, but what was stored are the
// surrogate's three UTF-8-style bytes, which read back as three U+FFFD: the row never re-hashes
// and the chain check failed on it for ever. Such a row is never rewritten. Instead, when a
// database first gets its keyed chain, each old (plain SHA-256) row that does not re-hash and has
// U+FFFD in a text column is examined: the stored bytes say which surrogate each such triple was.
// If putting those surrogates back makes the row hash to exactly its stored hash, that proves the
// row is as it was written (nobody can produce a SHA-256 match by editing text), and a keyed
// `repair` row is appended naming the row (id, seq), its stored hash and the characters put back.
// The chain check accepts such a row as repaired — and counts it — only when the repair row itself
// is intact in the keyed chain, comes after the row, and the named fix reproduces the stored hash.
// Rows broken any other way stay reported as broken.
import {
  HIGHEST_AUDIT_SEQ,
  appendChainRows,
  blankContent,
  chainHash,
  HASHED_COLUMNS,
  keyedStartMac,
  readKeyedStartRecord,
  type AuditContent,
  type AuditRow,
} from './audit-chain';
import type { Reader, Store } from './database';
import { selectRow, selectRows } from './sql';
import { timeOrderedId } from './ids';

/** In the stored text (as read back), `length` U+FFFD at `offset` stand for one lone surrogate `codeUnit`. */
export type RepairFix = { column: (typeof HASHED_COLUMNS)[number]; offset: number; length: number; codeUnit: number };
export type RepairDetails = { id: string; seq: number; hash: string; fixes: RepairFix[] };

export const REPAIR_STAFF = 'markdesk';
const REPLACEMENT = '\uFFFD';

/** The row with the fixes applied, when each names stored U+FFFDs and a lone surrogate; else null. */
export function applyFixes(row: AuditContent, fixes: readonly RepairFix[]): AuditContent | null {
  const fixed = { ...row };
  // From the end, so the offsets of the fixes still to apply stay where they were.
  for (const fix of [...fixes].sort((a, b) => b.offset - a.offset)) {
    const text = fixed[fix.column];
    const valid = typeof text === 'string' && fix.length >= 1 && text.slice(fix.offset, fix.offset + fix.length) === REPLACEMENT.repeat(fix.length);
    if (!valid || fix.codeUnit < 0xd800 || fix.codeUnit > 0xdfff) return null;
    (fixed as Record<string, unknown>)[fix.column] = text.slice(0, fix.offset) + String.fromCharCode(fix.codeUnit) + text.slice(fix.offset + fix.length);
  }
  return fixed;
}

/** Whether a repair entry's details vouch for this plain row. */
export function repairHolds(row: AuditRow, details: RepairDetails): boolean {
  if (details.id !== row.id || details.seq !== row.seq || details.hash !== row.hash || !Array.isArray(details.fixes) || details.fixes.length === 0) return false;
  const fixed = applyFixes(row, details.fixes);
  return fixed !== null && chainHash(row.prev_hash, fixed) === row.hash;
}

/**
 * Where the stored bytes hold an encoded surrogate (ED A0–BF 80–BF), and the offset of the three
 * U+FFFD it reads back as. Other bytes only move the offset on (a 4-byte sequence is two UTF-16 units).
 */
function surrogatesIn(bytes: Buffer, column: RepairFix['column']): RepairFix[] {
  const fixes: RepairFix[] = [];
  let offset = 0;
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const second = bytes[i + 1] ?? 0;
    const third = bytes[i + 2] ?? 0;
    if (lead === 0xed && second >= 0xa0 && second <= 0xbf && (third & 0xc0) === 0x80) {
      fixes.push({ column, offset, length: 3, codeUnit: 0xd000 | ((second & 0x3f) << 6) | (third & 0x3f) });
      offset += 3;
      i += 3;
      continue;
    }
    const size = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
    offset += size === 4 ? 2 : 1;
    i += size;
  }
  return fixes;
}

async function findFixes(db: Reader, row: AuditRow): Promise<RepairFix[]> {
  const fixes: RepairFix[] = [];
  for (const column of HASHED_COLUMNS) {
    const text = row[column];
    if (typeof text !== 'string' || !text.includes(REPLACEMENT)) continue;
    const { bytes } = (await selectRow<{ bytes: Buffer }>(db, `SELECT CAST(${column} AS BLOB) AS bytes FROM audit WHERE seq = ?`, [row.seq]))!;
    fixes.push(...surrogatesIn(bytes, column));
  }
  return fixes;
}

/** The plain rows (seq below keyedFrom) that do not re-hash but are proven repairable. */
export async function findRepairs(db: Reader, keyedFrom: number): Promise<RepairDetails[]> {
  const repairs: RepairDetails[] = [];
  for (let after = 0; ; ) {
    const rows = await selectRows<AuditRow>(db, 'SELECT * FROM audit WHERE seq > ? AND seq < ? ORDER BY seq LIMIT 5000', [after, keyedFrom]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.seq;
    for (const row of rows) {
      if (chainHash(row.prev_hash, row) === row.hash) continue;
      const fixes = await findFixes(db, row);
      const repair = { id: row.id, seq: row.seq, hash: row.hash, fixes };
      if (fixes.length > 0 && repairHolds(row, repair)) repairs.push(repair);
    }
  }
  return repairs;
}

function repairContent(repair: RepairDetails, at: Date): AuditContent {
  const row = blankContent(timeOrderedId(at), 'repair', at.toISOString());
  row.staff = REPAIR_STAFF;
  row.target = repair.id;
  row.details_json = JSON.stringify(repair);
  return row;
}

const KEY_MISMATCH =
  'The audit key does not match this database: it is not the key the audit log was signed with (MARKDESK_AUDIT_KEY, or audit.key in the data directory), or the log’s record of it was changed.';

/**
 * On every open: records where keyed rows start when the database has no such record yet (and then
 * appends the repairs above), and refuses a key that does not match the record — appending with
 * another key would fork the chain.
 */
export async function openKeyedChain(store: Store): Promise<void> {
  await store.write(async (tx) => {
    const record = await readKeyedStartRecord(tx);
    if (record) {
      if (keyedStartMac(store.auditKey, record.keyed_from) !== record.mac) throw new Error(KEY_MISMATCH);
      return;
    }
    const highest = (await selectRow<{ seq: number }>(tx, HIGHEST_AUDIT_SEQ))?.seq ?? 0;
    const last = (await tx.selectFrom('audit').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0;
    const keyedFrom = Math.max(highest, last) + 1;
    await tx.insertInto('audit_chain').values({ id: 1, keyed_from: keyedFrom, mac: keyedStartMac(store.auditKey, keyedFrom) }).execute();
    const now = new Date();
    await appendChainRows(
      tx,
      store.auditKey,
      (await findRepairs(tx, keyedFrom)).map((repair) => repairContent(repair, now)),
    );
  });
}
