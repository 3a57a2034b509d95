import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_PAGE_MAX } from '../../shared/api/audit';
import { appendEntries, AuditError, type AuditIntent, type AuditOneShotEntry, recordEntries, recordEntry, recordIntents, recordOutcomes } from './audit';
import { canonicalAuditContent } from './audit-chain';
import { AUDIT_CSV_COLUMNS, auditCsv } from './audit-csv';
import { getAuditEntry, queryAudit } from './audit-query';
import { verifyAuditChain, verifyAuditChainAsync } from './audit-verify';
import { neutralizeFormula } from '../../shared/text/csv';
import { timeOrderedId } from './ids';
import { openDatabase, type Store } from './database';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import { rawAll, rawGet, rawRun, unguardAudit } from '../testing/raw-sql';
import { openTestStore } from '../testing/test-store';

let store: Store;
let clock: FakeClock;
beforeEach(async () => {
  store = await openTestStore();
  clock = createFakeClock('2026-11-20T08:00:00.000Z');
});
afterEach(async () => {
  await store.close();
});

function intent(overrides: Partial<AuditIntent> = {}): AuditIntent {
  return {
    staff: 'rita',
    chatUser: 'user0',
    conversation: { type: 'c2c', id: 'user1' },
    requested: { setBits: [0, 32], clearBits: [3] },
    before: { bits: [3], customMark: '' },
    requestId: 'req-1',
    ...overrides,
  };
}

function oneShot(overrides: Partial<AuditOneShotEntry> = {}): AuditOneShotEntry {
  return { ...intent(), status: 'unchanged', after: { bits: [3], customMark: '' }, ...overrides };
}

const rowCount = async () => ((await rawGet(store, 'SELECT count(*) AS n FROM audit')) as { n: number }).n;

async function expectAuditError(promise: Promise<unknown> | (() => unknown), code: AuditError['code']): Promise<void> {
  const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  await expect(run).rejects.toSatisfy((error) => error instanceof AuditError && error.code === code);
}

describe('append-only', () => {
  it('refuses UPDATE and DELETE in the database itself', async () => {
    const [id] = await recordIntents(store, [intent()], clock);
    await expect(rawRun(store, `UPDATE audit SET reason = 'edited'`)).rejects.toThrow('audit log is append-only');
    await expect(rawRun(store, 'DELETE FROM audit')).rejects.toThrow('audit log is append-only');
    await expect(store.write((tx) => tx.deleteFrom('audit').where('id', '=', id!).execute())).rejects.toThrow('audit log is append-only');
    expect((await rowCount())).toBe(1);
  });
});

describe('intent and outcome', () => {
  it('reads an intent without an outcome back as "unknown", even after a crash and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-audit-'));
    try {
      const file = join(dir, 'markdesk.sqlite');
      const first = await openDatabase({ file });
      const [id] = await recordIntents(first, [intent({ reason: 'ticket 4711' })], clock);
      await first.close(); // the process stops before the upstream answer arrives
      const second = await openDatabase({ file });
      const entry = (await getAuditEntry(second.read, id!));
      expect(entry).toMatchObject({ id, status: 'unknown', after: null, reason: 'ticket 4711', before: { bits: [3], customMark: '' } });
      expect((await queryAudit(second.read, { status: 'unknown', limit: 10 })).entries.map((e) => e.id)).toEqual([id]);
      expect((await verifyAuditChain(second))).toMatchObject({ ok: true, checked: 1, breaks: [] });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('completes intents with their outcomes', async () => {
    const ids = await recordIntents(store, [intent(), intent({ conversation: { type: 'group', id: '@TGS#2ABC' } })], clock);
    clock.advance(1500);
    await recordOutcomes(
      store,
      [
        { entryId: ids[0]!, status: 'applied', before: { bits: [3], customMark: '' }, after: { bits: [0, 32], customMark: '' } },
        { entryId: ids[1]!, status: 'failed', before: null, after: null, upstreamCode: 51007, message: 'The group was dismissed or does not exist' },
      ],
      clock,
    );
    expect((await getAuditEntry(store.read, ids[0]!))).toEqual({
      id: ids[0],
      at: '2026-11-20T08:00:00.000Z',
      completedAt: '2026-11-20T08:00:01.500Z',
      staff: 'rita',
      chatUser: 'user0',
      conversation: { type: 'c2c', id: 'user1' },
      requested: { setBits: [0, 32], clearBits: [3] },
      before: { bits: [3], customMark: '' },
      after: { bits: [0, 32], customMark: '' },
      status: 'applied',
      requestId: 'req-1',
    });
    // A null "before" in the outcome keeps what the intent knew.
    expect((await getAuditEntry(store.read, ids[1]!))).toMatchObject({ status: 'failed', upstreamCode: 51007, before: { bits: [3], customMark: '' }, after: null });
  });

  it('takes exactly one outcome per intent, all of a batch or none', async () => {
    const [a, b] = await recordIntents(store, [intent(), intent()], clock);
    const applied = { status: 'applied' as const, before: null, after: { bits: [0], customMark: '' } };
    await expectAuditError(recordOutcomes(store, [{ entryId: a!, ...applied }, { entryId: 'no-such-id', ...applied }], clock), 'UNKNOWN_ENTRY');
    expect((await getAuditEntry(store.read, a!))!.status).toBe('unknown');
    await recordOutcomes(store, [{ entryId: a!, ...applied }], clock);
    await expectAuditError(recordOutcomes(store, [{ entryId: a!, ...applied }], clock), 'ALREADY_COMPLETED');
    await expectAuditError(recordOutcomes(store, [{ entryId: b!, ...applied }, { entryId: b!, ...applied }], clock), 'ALREADY_COMPLETED');
    expect((await rowCount())).toBe(3);
  });

  it('records one-shot entries (unchanged, conflict) and reverts', async () => {
    const original = await recordEntry(store, oneShot({ status: 'applied', after: { bits: [0], customMark: 'VIP' } }), clock);
    const [conflict] = await recordEntries(store, [oneShot({ status: 'conflict', message: 'custom mark changed meanwhile' })], clock);
    const [revert] = await recordIntents(store, [intent({ revertOf: original })], clock);
    expect((await getAuditEntry(store.read, original))).toMatchObject({ status: 'applied', after: { bits: [0], customMark: 'VIP' } });
    expect((await getAuditEntry(store.read, conflict!))).toMatchObject({ status: 'conflict', message: 'custom mark changed meanwhile' });
    expect((await queryAudit(store.read, { revertOf: original, limit: 5 })).entries.map((e) => e.id)).toEqual([revert]);
    expect((await getAuditEntry(store.read, 'no-such-id'))).toBeNull();
  });
});

describe('entry ids', () => {
  it('are UUIDv7: unique, and ordered by the time they carry', () => {
    const early = Array.from({ length: 300 }, () => timeOrderedId(new Date('2026-11-20T08:00:00.000Z')));
    const late = timeOrderedId(new Date('2026-11-20T08:00:00.001Z'));
    expect(new Set(early).size).toBe(300);
    for (const id of early) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id < late).toBe(true);
    }
  });
});

describe('canonical content', () => {
  it('is exactly the JSON of the hashed columns in sorted key order (the text rows were hashed over since the first)', () => {
    const columns = ['id', 'kind', 'refers_to', 'at', 'staff', 'chat_user', 'conversation_type', 'conversation_id', 'requested_json', 'before_json', 'after_json', 'status', 'upstream_code', 'message', 'reason', 'request_id', 'revert_of'];
    const value = fc.oneof(fc.constant(null), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.integer());
    fc.assert(
      fc.property(fc.tuple(...columns.map(() => value)), fc.string(), (values, extra) => {
        const row = Object.fromEntries(columns.map((column, index) => [column, values[index]])) as unknown as Parameters<typeof canonicalAuditContent>[0];
        const sorted = Object.fromEntries([...columns].sort().map((column) => [column, (row as Record<string, unknown>)[column] ?? null]));
        // Columns outside the hashed list (seq, hash …) never count.
        expect(canonicalAuditContent({ ...row, extra } as typeof row)).toBe(JSON.stringify(sorted));
      }),
    );
  });
});

describe('hash chain', () => {
  async function someHistory(): Promise<string[]> {
    const ids = await recordIntents(store, [intent(), intent({ chatUser: 'user9' })], clock);
    await recordOutcomes(store, [{ entryId: ids[0]!, status: 'applied', before: null, after: { bits: [0], customMark: '' } }], clock);
    await recordEntries(store, [oneShot({ reason: 'ticket, "quoted"\nline 2' })], clock);
    return ids;
  }
  const rows = async () => (await rawAll(store, 'SELECT id FROM audit ORDER BY seq')) as { id: string }[];
  const dropGuards = () => unguardAudit(store);

  it('numbers the rows without a gap where an append was rolled back, and the chain still verifies', async () => {
    await someHistory();
    await expect(
      store.write(async (tx) => {
        await appendEntries(tx, store.auditKey, [oneShot({ reason: 'rolled back' })], new Date());
        throw new Error('the save failed after its entry was appended');
      }),
    ).rejects.toThrow('the save failed');
    await recordEntries(store, [oneShot({ reason: 'after the rollback' })], clock);
    const seqs = ((await rawAll(store, 'SELECT seq FROM audit ORDER BY seq')) as { seq: number }[]).map((row) => row.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, breakCount: 0, checked: 5 });
  });

  it('verifies a clean chain, each row linking to the one before', async () => {
    expect((await verifyAuditChain(store))).toMatchObject({ ok: true, checked: 0, breaks: [], head: null });
    await someHistory();
    expect((await verifyAuditChain(store))).toMatchObject({ ok: true, checked: 4, breakCount: 0 });
    const chain = (await rawAll(store, 'SELECT prev_hash, hash FROM audit ORDER BY seq')) as { prev_hash: string; hash: string }[];
    expect(chain[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prev_hash).toBe(chain[i - 1]!.hash);
  });

  it('detects a row edited behind the database’s back', async () => {
    await someHistory();
    (await dropGuards());
    const target = (await rows())[2]!.id;
    await rawRun(store, `UPDATE audit SET after_json = '{"bits":[1],"customMark":""}' WHERE id = ?`, [target]);
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, checked: 4, brokenAt: target, breakCount: 1 });
    expect(await verifyAuditChainAsync(store, { chunkRows: 1 })).toMatchObject({ ok: false, checked: 4, brokenAt: target, breakCount: 1 });
  });

  it('verifies in chunks while other work appends, and still sees a tampered end', async () => {
    await someHistory();
    // Two entries land between the first chunk and the next.
    let appended: Promise<unknown> | undefined;
    const pause = async () => {
      appended ??= recordEntries(store, [oneShot(), oneShot()], clock);
      await appended;
    };
    expect(await verifyAuditChainAsync(store, { chunkRows: 1, budgetMs: 0, pause })).toMatchObject({ ok: true, checked: 6 });
    (await dropGuards());
    await rawRun(store, 'DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)');
    expect(await verifyAuditChainAsync(store, { chunkRows: 2 })).toMatchObject({ ok: false, checked: 5, brokenAt: 'end-of-log', breakCount: 1 });
  });

  it('detects an edit that also recomputed the row’s own hash', async () => {
    await someHistory();
    (await dropGuards());
    const target = (await rows())[1]!.id;
    await rawRun(store, `UPDATE audit SET staff = 'mallory', hash = ? WHERE id = ?`, ['f'.repeat(64), target]);
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, brokenAt: target });
  });

  it('detects a removed row, in the middle or at the end', async () => {
    await someHistory();
    (await dropGuards());
    const all = (await rows());
    await rawRun(store, 'DELETE FROM audit WHERE id = ?', [all[1]!.id]);
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, checked: 3, brokenAt: all[2]!.id, breaks: [{ at: all[2]!.id, problem: 'missing-before' }] });

    const other = await openTestStore();
    const [id] = await recordIntents(other, [intent(), intent()], clock);
    await unguardAudit(other);
    await rawRun(other, 'DELETE FROM audit WHERE id != ?', [id!]);
    expect((await verifyAuditChain(other))).toMatchObject({ ok: false, checked: 1, brokenAt: 'end-of-log' });
    await other.close();
  });
});

describe('queryAudit', () => {
  // 120 entries: chatUser cycles user0..user2, staff alternates, every 4th is a conflict; one
  // second apart so time filters can cut the history.
  async function history(): Promise<void> {
    for (let i = 0; i < 120; i++) {
      await recordEntry(
        store,
        oneShot({
          chatUser: `user${i % 3}`,
          staff: i % 2 === 0 ? 'rita' : 'sam',
          status: i % 4 === 0 ? 'conflict' : 'applied',
          conversation: { type: i % 5 === 0 ? 'group' : 'c2c', id: `peer${i % 10}` },
          requestId: `req-${i}`,
        }),
        clock,
      );
      clock.advance(1000);
    }
  }
  const numbers = (entries: { requestId: string }[]) => entries.map((e) => Number(e.requestId.slice(4)));
  const allPages = async (filter: Parameters<typeof queryAudit>[1]) => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = (await queryAudit(store.read, { ...filter, ...(cursor ? { cursor } : {}) }));
      expect(page.entries.length).toBeLessThanOrEqual(filter.limit);
      seen.push(...numbers(page.entries));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  };
  const expected = (keep: (i: number) => boolean) => Array.from({ length: 120 }, (_, i) => 119 - i).filter(keep);

  it('pages newest first through everything, then through filtered subsets', async () => {
    await history();
    expect(await allPages({ limit: 7 })).toEqual(expected(() => true));
    expect(await allPages({ limit: 7, chatUser: 'user1' })).toEqual(expected((i) => i % 3 === 1));
    expect(await allPages({ limit: 9, staff: 'sam', status: 'conflict' })).toEqual([]);
    expect(await allPages({ limit: 9, staff: 'rita', status: 'conflict' })).toEqual(expected((i) => i % 4 === 0));
    expect(await allPages({ limit: 5, conversationType: 'group', conversationId: 'peer0' })).toEqual(expected((i) => i % 10 === 0));
    expect(await allPages({ limit: 8, conversationType: 'c2c', conversationId: 'peer0' })).toEqual([]);
    const from = new Date('2026-11-20T08:00:30.000Z');
    const to = new Date('2026-11-20T08:01:00.000Z');
    expect(await allPages({ limit: 4, from, to })).toEqual(expected((i) => i >= 30 && i < 60));
    expect((await queryAudit(store.read, { limit: 120 })).nextCursor).toBeNull();
  });

  it('keeps its place while new entries are appended between pages', async () => {
    await history();
    const first = (await queryAudit(store.read, { limit: 25, chatUser: 'user0' })); // 40 match
    await recordEntries(store, [oneShot({ chatUser: 'user0', requestId: 'req-500' }), oneShot({ chatUser: 'user0', requestId: 'req-501' })], clock);
    const second = (await queryAudit(store.read, { limit: 25, chatUser: 'user0', cursor: first.nextCursor! }));
    expect([...numbers(first.entries), ...numbers(second.entries)]).toEqual(expected((i) => i % 3 === 0));
    expect(second.nextCursor).toBeNull();
    expect(numbers((await queryAudit(store.read, { limit: 2, chatUser: 'user0' })).entries)).toEqual([501, 500]);
  });

  it('refuses a cursor it did not hand out, a bad limit and a bad time', async () => {
    await expectAuditError(async () => (await queryAudit(store.read, { limit: 10, cursor: 'bm9wZQ' })), 'INVALID_CURSOR');
    await expectAuditError(async () => (await queryAudit(store.read, { limit: 10, cursor: '../../etc' })), 'INVALID_CURSOR');
    await expectAuditError(async () => (await queryAudit(store.read, { limit: 10, cursor: null as unknown as string })), 'INVALID_CURSOR');
    await expectAuditError(async () => (await queryAudit(store.read, { limit: 0 })), 'INVALID_FILTER');
    await expectAuditError(async () => (await queryAudit(store.read, { limit: AUDIT_PAGE_MAX + 1 })), 'INVALID_FILTER');
    await expectAuditError(async () => (await queryAudit(store.read, { limit: 10, from: new Date('nonsense') })), 'INVALID_FILTER');
  });
});

describe('auditCsv', () => {
  async function csvOf(filter: Parameters<typeof auditCsv>[1] = {}): Promise<string> {
    let text = '';
    for await (const chunk of auditCsv(store.read, filter)) text += chunk;
    return text;
  }

  it('writes UTF-8 with BOM, a header row, CRLF records and RFC 4180 quoting that parses back', async () => {
    const [id] = await recordIntents(
      store,
      [
        intent({
          conversation: { type: 'group', id: '@TGS#2ABC' },
          requested: { setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션, "urgent"' },
          before: { bits: [3], customMark: '老客户\n第二行' },
          reason: 'ticket 4711, second line:\r\nmore',
        }),
      ],
      clock,
    );
    await recordOutcomes(store, [{ entryId: id!, status: 'applied', before: null, after: { bits: [0, 32], customMark: '에스컬레이션, "urgent"' } }], clock);
    const text = await csvOf();
    expect(text.startsWith('\uFEFFid,at,staff,chat_user,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain('"老客户\n第二行"');

    const records = parse(text, { bom: true }) as string[][];
    expect(records[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(records).toHaveLength(2);
    expect(Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, i) => [column, records[1]![i]]))).toEqual({
      id,
      at: '2026-11-20T08:00:00.000Z',
      staff: 'rita',
      chat_user: 'user0',
      conversation_type: 'group',
      conversation_id: '@TGS#2ABC',
      set_bits: '0 32',
      clear_bits: '3',
      custom_mark_requested: '에스컬레이션, "urgent"',
      before_bits: '3',
      before_custom_mark: '老客户\n第二行',
      after_bits: '0 32',
      after_custom_mark: '에스컬레이션, "urgent"',
      status: 'applied',
      upstream_code: '',
      message: '',
      reason: 'ticket 4711, second line:\r\nmore',
      request_id: 'req-1',
      revert_of: '',
    });
  });

  it('leaves Tencent group ids alone but prefixes anything else starting with @', () => {
    expect(neutralizeFormula('@TGS#2ABC')).toBe('@TGS#2ABC');
    expect(neutralizeFormula('@TGS#2ABC+cmd')).toBe("'@TGS#2ABC+cmd");
    expect(neutralizeFormula('@SUM(1+1)')).toBe("'@SUM(1+1)");
    expect(neutralizeFormula('user-1')).toBe('user-1');
  });

  it('defuses cells a spreadsheet would run as formulas', async () => {
    await recordEntries(
      store,
      [
        oneShot({ reason: '=HYPERLINK("http://evil.example","click")', staff: '@rita', chatUser: '+user', requested: { setBits: [], clearBits: [], customMark: '-1+2' } }),
        oneShot({ reason: '\t=1+1', status: 'failed', after: null, upstreamCode: 51013 }),
      ],
      clock,
    );
    const [, second, first] = parse(await csvOf(), { bom: true }) as string[][];
    const cell = (record: string[] | undefined, column: (typeof AUDIT_CSV_COLUMNS)[number]) => record![AUDIT_CSV_COLUMNS.indexOf(column)];
    expect(cell(first, 'reason')).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(cell(first, 'staff')).toBe("'@rita");
    expect(cell(first, 'chat_user')).toBe("'+user");
    expect(cell(first, 'custom_mark_requested')).toBe("'-1+2");
    expect(cell(second, 'reason')).toBe("'\t=1+1");
    expect(cell(second, 'upstream_code')).toBe('51013');
  });

  it('exports every matching entry across its internal pages', async () => {
    await recordEntries(
      store,
      Array.from({ length: 1203 }, (_, i) => oneShot({ chatUser: i % 2 === 0 ? 'even' : 'odd', requestId: `req-${i}` })),
      clock,
    );
    const records = parse(await csvOf({ chatUser: 'odd' }), { bom: true }) as string[][];
    expect(records).toHaveLength(1 + 601);
    const requestIds = records.slice(1).map((r) => r[AUDIT_CSV_COLUMNS.indexOf('request_id')]);
    expect(new Set(requestIds).size).toBe(601);
    expect(requestIds[0]).toBe('req-1201');
  });
});
