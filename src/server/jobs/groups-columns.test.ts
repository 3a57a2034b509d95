// The optional groups_add / groups_remove columns of a bulk job: checked with the file, applied
// through the group write service once the job's lines are written, audited as group changes.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGate } from '../testing/gate';
import { queryGroupAudit } from '../store/group-audit';
import { bitNamesFrom, readJobCsv, type CheckedRow } from './csv';
import { createJobRunner } from './runner';
import { storeCheckedJob } from './upload-store';

const HEADER = 'chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark,groups_add,groups_remove';

async function rowsOf(csv: string): Promise<CheckedRow[]> {
  const rows: CheckedRow[] = [];
  for await (const row of readJobCsv(Readable.from([csv]), { names: bitNamesFrom({}) })) rows.push(row);
  return rows;
}

describe('checking the columns', () => {
  it('reads names separated by |, and a row that changes only groups is valid', async () => {
    const rows = await rowsOf(`${HEADER}\r\nann,c2c,p1,0,,,,VIP | Escalations,\r\nann,c2c,p2,,,,,,Old\r\nann,c2c,p3,0,,,,,\r\n`);
    expect(rows.map((row) => row.ok)).toEqual([true, true, true]);
    expect(rows[0]).toMatchObject({ groups: { add: ['VIP', 'Escalations'], remove: [] } });
    expect(rows[1]).toMatchObject({ groups: { add: [], remove: ['Old'] }, change: { setBits: [], clearBits: [] } });
    expect(rows[2]).not.toHaveProperty('groups');
  });

  it('keeps each column in its place when custom_mark_only_if_empty is not in the file', async () => {
    const [row] = await rowsOf(`${HEADER}\r\nann,c2c,p1,0,,,,VIP,\r\n`);
    expect(row?.input[7]).toBe('');
    expect(row?.input[8]).toBe('VIP');
  });

  it('refuses a name over 32 bytes and a group both added and removed, in words', async () => {
    const rows = await rowsOf(`${HEADER}\r\nann,c2c,p1,0,,,,${'가'.repeat(11)},\r\nann,c2c,p2,0,,,,VIP,VIP\r\n`);
    expect(rows[0]).toMatchObject({ ok: false, error: expect.stringContaining('33 bytes') });
    expect(rows[1]).toMatchObject({ ok: false, error: expect.stringContaining('both groups_add and groups_remove') });
  });
});

describe('applying them', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff({ emulator: { rateLimits: false } });
    await bff.importUsers('ann', 'p1', 'p2', 'p3');
    expectOk(
      await bff.tencent('recentcontact/create_contact_group', {
        From_Account: 'ann',
        GroupContactItem: [{ GroupName: 'Old', ContactItem: [{ Type: 1, To_Account: 'p2' }, { Type: 1, To_Account: 'p3' }] }],
      }),
    );
  });
  afterAll(() => bff.close());

  it('after the mark writes: adds (creating a missing group), removes, one audited change per group', async () => {
    const csv = `${HEADER}\r\nann,c2c,p1,0,,,,VIP,\r\nann,c2c,p2,,,,,VIP,Old\r\nann,c2c,p3,1,,,,,\r\n`;
    const jobs = createJobRunner({ store: bff.store, chat: bff.chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log });
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csv]), { names: bitNamesFrom({}) }));
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    await jobs.stop();

    const response = expectOk(await bff.tencent('recentcontact/get_contact_group', { From_Account: 'ann', StartIndex: 0 }));
    const groups = new Map((response.GroupItem as { GroupName: string; GroupId: number }[]).map((g) => [g.GroupName, g.GroupId]));
    const items = new Map((response.ContactItem as { To_Account: string; ContactGroupId?: number[]; StandardMark?: string }[]).map((i) => [i.To_Account, i]));
    expect(items.get('p1')).toMatchObject({ StandardMark: '1', ContactGroupId: [groups.get('VIP')] });
    expect(items.get('p2')?.ContactGroupId).toEqual([groups.get('VIP')]);
    expect(items.get('p3')).toMatchObject({ StandardMark: '10', ContactGroupId: [groups.get('Old')] });

    const { entries } = await queryGroupAudit(bff.store.read, { chatUser: 'ann', limit: 10 });
    expect(entries.map((e) => [e.action, e.status, e.requestId, e.staff]).reverse()).toEqual([
      ['create', 'applied', `job:${jobId}:groups`, 'editor'],
      ['remove', 'applied', `job:${jobId}:groups`, 'editor'],
    ]);
  });

  it('records the job done only once its group columns are applied: a shutdown meanwhile leaves it running, and the next start applies them and finishes', async () => {
    await bff.importUsers('bob', 'q1');
    const csv = `${HEADER}\r\nbob,c2c,q1,0,,,,Team,\r\n`;
    const options = { store: bff.store, chat: bff.chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log, leaseTimer: false };
    const first = createJobRunner(options);
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csv]), { names: bitNamesFrom({}) }));
    // The group's creation is held open: the server is shut down while it is in flight.
    const gate = createGate();
    bff.chatHooks.beforeCall = async (command) => {
      if (command === 'recentcontact/create_contact_group') await gate.pass();
    };
    try {
      await first.start(jobId, 'editor');
      await gate.arrived();
      expect(await first.status(jobId)).toMatchObject({ state: 'running' });
      const stopping = first.stop();
      gate.release();
      await stopping;
    } finally {
      gate.release();
      bff.chatHooks.beforeCall = undefined;
    }
    expect(await first.status(jobId)).toMatchObject({ state: 'running' });

    // The next start goes on with the running job: every line is done, so it applies the group
    // columns again (the member already there comes back unchanged) and records the job done.
    const second = createJobRunner(options);
    await second.resumeInterrupted();
    await second.whenIdle(jobId);
    expect(await second.status(jobId)).toMatchObject({ state: 'done', applied: 1 });
    await second.stop();
    const { entries } = await queryGroupAudit(bff.store.read, { chatUser: 'bob', limit: 10 });
    expect(entries.map((e) => [e.action, e.status]).reverse()).toEqual([
      ['create', 'applied'],
      ['add', 'unchanged'],
    ]);
  });
});
