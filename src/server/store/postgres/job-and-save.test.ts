// A bulk job on one instance and an interactive save of the same Chat user on another, on one
// PostgreSQL database. The job's call waits while the save holds the user, and a save made after
// the job read its lines is seen: the job reads them again before writing, so its entry records the
// state it really changed (and Undo restores the save's value, not the one before it). The second
// instance is a second store on the same schema: its save is what an interactive save does — the
// user held across instances, then a write to Chat. Gates stage the order, every time.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectOk } from '../../../emulator/test-support';
import { bitNamesFrom, readJobCsv } from '../../jobs/csv';
import { createJobRunner } from '../../jobs/runner';
import { csvOf, holdingFirstRead, jobAuditEntries } from '../../jobs/testing';
import { storeCheckedJob } from '../../jobs/upload-store';
import { chatUserLocks } from '../../services/chat-user-locks';
import { startTestBff, type TestBff } from '../../testing/bff-harness';
import { createGate } from '../../testing/gate';
import { rawGet } from '../../testing/raw-sql';
import { dropTestSchema, freshPostgresLocation } from '../../testing/test-store';
import type { Store } from '../database';
import { openStore } from '../open';

const location = freshPostgresLocation();
const auditKey = randomBytes(32);
let bff: TestBff;
let other: Store;

beforeAll(async () => {
  bff = await startTestBff({ openStore: () => openStore(location, auditKey) });
  other = await openStore(location, auditKey);
  await bff.importUsers('alice', 'dave');
});
afterAll(async () => {
  await other.close();
  await bff.close();
  await dropTestSchema(location);
});

const dave = { type: 'c2c' as const, id: 'dave' };

async function customMarkInChat(): Promise<string> {
  const response = expectOk(await bff.tencent('recentcontact/search_contact_group', { From_Account: 'alice', ContactItem: [{ Type: 1, To_Account: 'dave' }] }));
  return (response.ContactResultItem as { CustomMark?: string }[])[0]?.CustomMark ?? '';
}

async function writeCustomMark(value: string): Promise<void> {
  expectOk(await bff.tencent('recentcontact/mark_contact', { From_Account: 'alice', MarkItem: [{ OptType: 2, ContactItem: { Type: 1, To_Account: 'dave' }, CustomMark: value }] }));
}

/** This schema's waiting requests for alice's lock (postgres/store.ts keys it by schema). */
const waitingForAlice = async () =>
  (await rawGet<{ n: number }>(
    other,
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7301 AND objid = hashtext(current_schema() || '.chat-user:alice')::oid AND NOT granted`,
  ))!.n;

describe('a bulk job on one instance and a save of the same user on another', () => {
  it('the job’s call waits for the save, then reads the line again and records the save’s value as the one it replaced', { timeout: 120_000 }, async () => {
    await writeCustomMark('');
    // The job's read of alice's lines is held once Chat answered it: the save comes in between.
    const { chat, readDone, markCalls } = holdingFirstRead(bff.chat);
    const jobs = createJobRunner({ store: bff.store, chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log, readConcurrency: 1, writeConcurrency: 1 });
    const rows = [{ chatUser: 'alice', conversation: dave, setBits: [0], clearBits: [], customMark: 'from the job' }];
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    await jobs.start(jobId, 'editor');
    await readDone.arrived();

    // The other instance's save holds alice while it writes; the job's call comes meanwhile.
    const saveHeld = createGate();
    const save = chatUserLocks(other).exclusive('alice', async () => {
      await writeCustomMark('saved meanwhile');
      await saveHeld.pass();
    });
    await saveHeld.arrived();
    readDone.release();
    // The job's announcement commit comes first, on the ledger's thread: on a busy machine that may take a while.
    await vi.waitFor(async () => expect(await waitingForAlice()).toBe(1), { timeout: 60_000, interval: 20 });
    expect(markCalls()).toBe(0);
    expect(await customMarkInChat()).toBe('saved meanwhile');

    saveHeld.release();
    await save;
    await jobs.whenIdle(jobId);
    const [entry] = await jobAuditEntries(bff.store.read, jobId);
    expect(entry).toMatchObject({ status: 'applied', before: { customMark: 'saved meanwhile' }, after: { bits: [0], customMark: 'from the job' } });
    expect(markCalls()).toBe(1);
    await jobs.stop();
  });
});
