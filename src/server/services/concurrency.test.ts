// Two staff members at the same moment, through the HTTP API against the emulator. Each race is
// staged with a gate that holds the first writer's mark_contact call open, so the second writer
// arrives while the first is mid-write — every time, without sleeps — and runs 50 times.
import type { LightMyRequestResponse } from 'fastify';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { AuditEntry } from '../../shared/api/audit';
import type { MarkResult } from '../../shared/api/marks';
import type { ChatCommand } from '../chat/commands';
import { bitNamesFrom, readJobCsv } from '../jobs/csv';
import { createJobRunner } from '../jobs/runner';
import { storeCheckedJob } from '../jobs/upload-store';
import { csvOf, holdingFirstRead, jobAuditEntries } from '../jobs/testing';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGate, type Gate } from '../testing/gate';
import { chatUserLocks } from './chat-user-locks';

const ROUNDS = 50;
let bff: TestBff;
let editor: string;
let otherEditor: string;

const dave = { type: 'c2c' as const, id: 'dave' };

beforeAll(async () => {
  // Chat's 200 calls/s per command is not what these tests are about: 50 rounds of saves and direct
  // reads in quick succession would draw 'too frequent' answers on a fast run.
  bff = await startTestBff({ emulator: { rateLimits: false } });
  await bff.addStaff('editor2', 'editor');
  editor = await bff.signIn('editor');
  otherEditor = await bff.sessionCookie('editor2');
  await bff.importUsers('alice', 'dave');
});
afterAll(() => bff.close());
afterEach(() => {
  delete bff.chatHooks.beforeCall;
});

const post = (cookie: string, url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
  bff.inject({
    method: 'POST',
    url,
    headers: { ...bff.writeHeaders, cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });

const guardedSave = (cookie: string, customMark: string, expectedCustomMark: string) =>
  post(cookie, '/api/chat-users/alice/marks', { items: [{ conversation: dave, customMark, expectedCustomMark }] });
const undo = (cookie: string, entryId: string) => post(cookie, `/api/audit/${entryId}/revert`);

function resultOf(response: LightMyRequestResponse): MarkResult {
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { results: MarkResult[] }).results[0]!;
}

/** What Chat holds for alice → dave, read with Tencent's API directly. */
async function customMarkInChat(): Promise<string> {
  const response = expectOk(await bff.tencent('recentcontact/search_contact_group', { From_Account: 'alice', ContactItem: [{ Type: 1, To_Account: 'dave' }] }));
  return ((response.ContactResultItem as { CustomMark?: string }[])[0]?.CustomMark ?? '') as string;
}

async function setCustomMarkInChat(value: string): Promise<void> {
  const item = value === '' ? { OptType: 2, ContactItem: { Type: 1, To_Account: 'dave' }, CustomMark: '' } : { OptType: 2, ContactItem: { Type: 1, To_Account: 'dave' }, CustomMark: value };
  expectOk(await bff.tencent('recentcontact/mark_contact', { From_Account: 'alice', MarkItem: [item] }));
}

/**
 * Holds the first mark_contact the BFF sends until the test releases it; later calls go through,
 * and `later` counts them (a second writer reaching Chat while the first is held).
 */
function holdFirstWrite(): { held: Gate; later: Gate } {
  const held = createGate();
  const later = createGate();
  later.release();
  let first = true;
  bff.chatHooks.beforeCall = async (command: ChatCommand) => {
    if (command !== 'recentcontact/mark_contact') return;
    if (first) {
      first = false;
      await held.pass();
    } else await later.pass();
  };
  return { held, later };
}

/** Starts `first`, waits until its write is held, starts `second` and waits until it is blocked (or, unserialised, reaches Chat). */
async function race<A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const { held, later } = holdFirstWrite();
  const a = first();
  await held.arrived();
  const b = second();
  await Promise.race([chatUserLocks(bff.store).whenWaiting('alice'), later.arrived()]);
  held.release();
  return Promise.all([a, b]);
}

describe('two guarded writes of one custom mark at once', () => {
  it('exactly one is applied; the other is a conflict showing the winner’s value — 50 times', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await setCustomMarkInChat('');
      const [one, two] = await race(
        () => guardedSave(editor, `E1-${round}`, ''),
        () => guardedSave(otherEditor, `E2-${round}`, ''),
      );
      const results = [resultOf(one), resultOf(two)];
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual(['applied', 'conflict']);
      const winner = results.find((r) => r.status === 'applied')!;
      const loser = results.find((r) => r.status === 'conflict')!;
      expect(loser.before?.customMark).toBe(winner.after?.customMark);
      expect(await customMarkInChat()).toBe(winner.after?.customMark);
    }
  });
});

describe('Undo racing a write', () => {
  it('one wins and the other gets a conflict or 409, whichever goes first — 50 times', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await setCustomMarkInChat('');
      const original = resultOf(await guardedSave(editor, `A-${round}`, ''));
      expect(original.status).toBe('applied');
      const undoFirst = round % 2 === 0;
      const write = () => guardedSave(otherEditor, `B-${round}`, `A-${round}`);
      const revert = () => undo(editor, original.auditId);
      const [first, second] = undoFirst ? await race(revert, write) : await race(write, revert);
      const [undone, written] = undoFirst ? [first, second] : [second, first];
      if (undoFirst) {
        expect(undone.statusCode, undone.body).toBe(201);
        expect(resultOf(written).status).toBe('conflict');
        expect(await customMarkInChat()).toBe('');
      } else {
        expect(resultOf(written).status).toBe('applied');
        expect(undone.statusCode, undone.body).toBe(409);
        expect(undone.json()).toMatchObject({ error: { code: 'CONFLICT', details: { current: { customMark: `B-${round}` } } } });
        expect(await customMarkInChat()).toBe(`B-${round}`);
      }
    }
  });
});

describe('two Undos of one entry at once', () => {
  it('one answers 201, the other 409, and only one undo is on record — 50 times', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await setCustomMarkInChat('');
      const original = resultOf(await guardedSave(editor, `U-${round}`, ''));
      const [one, two] = await race(
        () => undo(editor, original.auditId),
        () => undo(otherEditor, original.auditId),
      );
      expect([one.statusCode, two.statusCode].sort()).toEqual([201, 409]);
      const audit = await bff.inject({ method: 'GET', url: `/api/audit?chatUser=alice&limit=10`, headers: { cookie: editor } });
      const undos = (audit.json() as { entries: AuditEntry[] }).entries.filter((entry) => entry.revertOf === original.auditId && entry.status === 'applied');
      expect(undos).toHaveLength(1);
      expect(await customMarkInChat()).toBe('');
    }
  });
});

describe('a bulk job and an interactive save of the same user', () => {
  it('a save made after the job read a line is seen: the job reads the line again before writing it', async () => {
    await setCustomMarkInChat('');
    // The job's read of alice's lines is held after Chat answered it, so the save comes in between
    // the read and the write.
    const { chat, readDone } = holdingFirstRead(bff.chat);
    const jobs = createJobRunner({ store: bff.store, chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log, readConcurrency: 1, writeConcurrency: 1 });
    const rows = [{ chatUser: 'alice', conversation: dave, setBits: [0], clearBits: [], customMark: 'from the job' }];
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    await jobs.start(jobId, 'editor');
    await readDone.arrived();
    expect(resultOf(await guardedSave(otherEditor, 'saved meanwhile', '')).status).toBe('applied');
    readDone.release();
    await jobs.whenIdle(jobId);
    const [entry] = await jobAuditEntries(bff.store.read, jobId);
    expect(entry).toMatchObject({ status: 'applied', before: { customMark: 'saved meanwhile' }, after: { bits: [0], customMark: 'from the job' } });
    await jobs.stop();
  });
});
