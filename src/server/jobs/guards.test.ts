// A bulk line's write guard is checked on the state read just before its write: a line whose
// conversation is not as required ends `conflict`, with that state on record, and nothing is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { MarkChange } from '../../shared/marks/change';
import type { WriteGuard } from '../services/write-policy';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import type { CheckedRow } from './csv';
import { createJobRunner } from './runner';
import { storeCheckedJob } from './upload-store';
import { jobAuditEntries } from './testing';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
  await bff.importUsers('guard.alice');
  expectOk(
    await bff.tencent('recentcontact/mark_contact', {
      From_Account: 'guard.alice',
      MarkItem: [
        { OptType: 3, ContactItem: { Type: 1, To_Account: 'kept' }, SetMark: [0], CustomMark: 'old' },
        { OptType: 3, ContactItem: { Type: 1, To_Account: 'moved' }, SetMark: [0, 1], CustomMark: 'old' },
        { OptType: 2, ContactItem: { Type: 1, To_Account: 'taken' }, CustomMark: 'someone else' },
      ],
    }),
  );
});
afterAll(() => bff.close());

async function* rows(): AsyncGenerator<CheckedRow> {
  const row = (line: number, id: string, change: MarkChange, guard: WriteGuard, revertOf?: string): CheckedRow => ({
    line,
    input: [],
    ok: true,
    chatUser: 'guard.alice',
    conversation: { type: 'c2c', id },
    change,
    guard,
    ...(revertOf ? { revertOf } : {}),
  });
  yield row(2, 'kept', { setBits: [], clearBits: [0], customMark: '' }, { expectedState: { bits: [0], customMark: 'old' } }, 'the-entry-it-undoes');
  yield row(3, 'moved', { setBits: [], clearBits: [0], customMark: '' }, { expectedState: { bits: [0], customMark: 'old' } });
  yield row(4, 'taken', { setBits: [], clearBits: [], customMark: 'mine' }, { customMarkOnlyIfEmpty: true });
  yield row(5, 'empty', { setBits: [], clearBits: [], customMark: 'mine' }, { customMarkOnlyIfEmpty: true });
}

describe('guarded bulk lines', () => {
  it('are written only where their guard holds', async () => {
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, rows());
    const jobs = createJobRunner({ store: bff.store, chat: bff.chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log });
    await bff.clearEmulatorStats();
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 2, conflicts: 2 });
    const byId = new Map((await jobAuditEntries(bff.store.read, jobId)).map((entry) => [entry.conversation.id, entry]));
    expect(byId.get('kept')).toMatchObject({ status: 'applied', after: { bits: [], customMark: '' }, revertOf: 'the-entry-it-undoes' });
    expect(byId.get('moved')).toMatchObject({ status: 'conflict', before: { bits: [0, 1], customMark: 'old' } });
    expect(byId.get('taken')).toMatchObject({ status: 'conflict', before: { customMark: 'someone else' } });
    expect(byId.get('empty')).toMatchObject({ status: 'applied', after: { customMark: 'mine' } });
    const stats = await bff.emulatorStats();
    expect(stats.commands['recentcontact/mark_contact']?.calls).toBe(1);
    await jobs.stop();
  });
});
