// A save commits its audit intent (and waits for its fsync) while the state is being read, not after:
// the intent is on record before the read answers, and the write still waits for both. The answer
// goes out while the outcome is being recorded; a failure to record it is reported, and the entry is
// settled later from Chat with the state kept beside it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MarkResult } from '../../shared/api/marks';
import { heldBefore } from '../store/audit';
import { writeMarks } from './mark-writer';
import { reconcileUnknownEntries } from './reconcile';
import { getAuditEntry, queryAudit } from '../store/audit-query';
import { verifyAuditChain } from '../store/audit-verify';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGate } from '../testing/gate';
import { rawRun } from '../testing/raw-sql';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
  await bff.importUsers('overlap.alice');
});
afterAll(() => bff.close());

async function saveAsEditor(body: object) {
  const editor = await bff.signIn('editor');
  return bff.inject({
    method: 'POST',
    url: '/api/chat-users/overlap.alice/marks',
    headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

describe('a one-item save', () => {
  it('has its intent on record while the read of the current state is held open, and nothing written yet', async () => {
    const read = createGate();
    const commands: string[] = [];
    bff.chatHooks.beforeCall = async (command) => {
      commands.push(command);
      if (command === 'recentcontact/search_contact_group') await read.pass();
    };
    try {
      const save = saveAsEditor({ items: [{ conversation: { type: 'c2c', id: 'o1' }, setBits: [0] }], reason: 'ticket 9' });
      await read.arrived();
      await vi.waitFor(async () => expect((await queryAudit(bff.store.read, { chatUser: 'overlap.alice', limit: 5 })).entries).toHaveLength(1));
      const [pending] = (await queryAudit(bff.store.read, { chatUser: 'overlap.alice', limit: 5 })).entries;
      expect(pending).toMatchObject({ status: 'unknown', before: null, reason: 'ticket 9' });
      expect(commands).toEqual(['recentcontact/search_contact_group']);

      read.release();
      const response = await save;
      const [result] = (response.json() as { results: MarkResult[] }).results;
      expect(result).toMatchObject({ status: 'applied', auditId: pending!.id, before: { bits: [] }, after: { bits: [0] } });
      expect(commands).toEqual(['recentcontact/search_contact_group', 'recentcontact/mark_contact']);
      expect((await getAuditEntry(bff.store.read, pending!.id))).toMatchObject({ status: 'applied', before: { bits: [] }, after: { bits: [0] } });
      // The state kept for a crash in between is gone once the outcome is recorded.
      expect((await heldBefore(bff.store.read, pending!.id))).toBeNull();
      expect((await verifyAuditChain(bff.store)).ok).toBe(true);
    } finally {
      delete bff.chatHooks.beforeCall;
    }
  });

  it('keeps the state it read beside the intent from before the write is sent until its outcome', async () => {
    const write = createGate();
    bff.chatHooks.beforeCall = async (command) => {
      if (command === 'recentcontact/mark_contact') await write.pass();
    };
    try {
      const save = saveAsEditor({ items: [{ conversation: { type: 'c2c', id: 'o1' }, setBits: [1] }] });
      await write.arrived();
      const [pending] = (await queryAudit(bff.store.read, { chatUser: 'overlap.alice', status: 'unknown', limit: 5 })).entries;
      expect((await heldBefore(bff.store.read, pending!.id))).toEqual({ bits: [0], customMark: '' });
      write.release();
      expect((await save).statusCode).toBe(200);
      expect((await heldBefore(bff.store.read, pending!.id))).toBeNull();
    } finally {
      delete bff.chatHooks.beforeCall;
    }
  });

  it('answers before its outcome is recorded; when recording fails, says so and leaves the entry for reconcile', async () => {
    // The database refuses outcome rows for a moment, as a full disk would.
    await rawRun(bff.store, `CREATE TEMP TRIGGER refuse_outcomes BEFORE INSERT ON audit WHEN NEW.kind = 'outcome' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const late: unknown[] = [];
    let results;
    try {
      results = await writeMarks(
        bff,
        { staff: 'editor', chatUser: 'overlap.alice', requestId: 'req-late' },
        [{ conversation: { type: 'c2c', id: 'o2' }, change: { setBits: [2], clearBits: [] } }],
        (error) => late.push(error),
      );
      await vi.waitFor(() => expect(late).toHaveLength(1));
    } finally {
      await rawRun(bff.store, 'DROP TRIGGER refuse_outcomes');
    }
    expect(results[0]).toMatchObject({ status: 'applied', after: { bits: [2] } });
    expect(String(late[0])).toContain('disk full');
    const entryId = results[0]!.auditId;
    expect((await getAuditEntry(bff.store.read, entryId))).toMatchObject({ status: 'unknown', before: null });
    expect((await heldBefore(bff.store.read, entryId))).toEqual({ bits: [], customMark: '' });

    expect(await reconcileUnknownEntries(bff)).toMatchObject({ applied: 1, notApplied: 0 });
    expect((await getAuditEntry(bff.store.read, entryId))).toMatchObject({ status: 'applied', before: { bits: [] }, after: { bits: [2] } });
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });
});
