// One policy for an edition without standard marks (51013), whichever path writes: an interactive
// save and a bulk job both get the custom-mark-only items through and fail the others.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkResult } from '../../shared/api/marks';
import { ChatCallAbortedError, type ChatClient } from '../chat/client';
import { bitNamesFrom, readJobCsv } from '../jobs/csv';
import { createJobRunner } from '../jobs/runner';
import { storeCheckedJob } from '../jobs/upload-store';
import { announcedWrites } from '../jobs/line-store';
import { csvOf, jobAuditEntries } from '../jobs/testing';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGate } from '../testing/gate';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ emulator: { edition: 'basic' } });
  await bff.importUsers('basic.alice', 'basic.bob', 'basic.carol');
});
afterAll(() => bff.close());

const c2c = (id: string) => ({ type: 'c2c' as const, id });

describe('an edition without standard marks (51013)', () => {
  it('an interactive save applies the custom-mark-only items and fails the others with a clear reason', async () => {
    const editor = await bff.signIn('editor');
    const response = await bff.inject({
      method: 'POST',
      url: '/api/chat-users/basic.alice/marks',
      headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'application/json' },
      payload: JSON.stringify({ items: [{ conversation: c2c('p1'), setBits: [0] }, { conversation: c2c('p2'), customMark: 'only text' }] }),
    });
    const results = (response.json() as { results: MarkResult[] }).results;
    expect(results.map((r) => r.status)).toEqual(['failed', 'applied']);
    expect(results[0]).toMatchObject({ upstreamCode: 51013, code: 'EDITION_NOT_SUPPORTED' });
  });

  it('a bulk job does the same, line by line', async () => {
    const rows = [
      { chatUser: 'basic.bob', conversation: c2c('p1'), setBits: [0] },
      { chatUser: 'basic.bob', conversation: c2c('p2'), setBits: [], customMark: 'only text' },
    ];
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    const jobs = createJobRunner({ store: bff.store, chat: bff.chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 1, failed: 1 });
    const byConversation = new Map((await jobAuditEntries(bff.store.read, jobId)).map((entry) => [entry.conversation.id, entry]));
    expect(byConversation.get('p1')).toMatchObject({ status: 'failed', upstreamCode: 51013 });
    expect(byConversation.get('p2')).toMatchObject({ status: 'applied', after: { customMark: 'only text' } });
    await jobs.stop();
  });
  it('a bulk job stopped before the custom-mark-only items went out again leaves their lines pending, and the next run writes them', async () => {
    const rows = [
      { chatUser: 'basic.carol', conversation: c2c('q1'), setBits: [0] },
      { chatUser: 'basic.carol', conversation: c2c('q2'), setBits: [], customMark: 'on its own' },
    ];
    const { jobId } = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    // The second mark_contact call is the custom-mark-only item sent again on its own. Held here as
    // the limiter holds a call waiting for its slot: given up (ChatCallAbortedError) when the run's
    // signal aborts, never sent.
    const resend = createGate();
    let markCalls = 0;
    let holdResend = true;
    const chat: Pick<ChatClient, 'call' | 'limiterFor'> = {
      async call(command, body, options) {
        if (command === 'recentcontact/mark_contact' && holdResend && ++markCalls === 2) {
          const signal = options?.signal;
          if (!signal) throw new Error('a job sends mark_contact with the run’s signal');
          void resend.pass();
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          throw new ChatCallAbortedError();
        }
        return bff.chat.call(command, body, options);
      },
      limiterFor: (command) => bff.chat.limiterFor(command),
    };
    const jobs = createJobRunner({ store: bff.store, chat, clock: bff.clock, ledger: bff.app.ledger, log: bff.app.log, leaseTimer: false });
    await jobs.start(jobId, 'editor');
    await resend.arrived();
    // Paused while the resend waits: neither line is settled (q2 was never sent on its own; q1 is
    // read and written again), and the call's announcement stays for the next run.
    expect(await jobs.pause(jobId)).toMatchObject({ state: 'paused', applied: 0, failed: 0, done: 0 });
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'paused', applied: 0, failed: 0, done: 0 });
    expect(await jobAuditEntries(bff.store.read, jobId)).toEqual([]);
    expect(await announcedWrites(bff.store.read, jobId)).toHaveLength(1);

    holdResend = false;
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 1, failed: 1 });
    const entries = await jobAuditEntries(bff.store.read, jobId);
    expect(entries).toHaveLength(2);
    const byConversation = new Map(entries.map((entry) => [entry.conversation.id, entry]));
    expect(byConversation.get('q1')).toMatchObject({ status: 'failed', upstreamCode: 51013 });
    expect(byConversation.get('q2')).toMatchObject({ status: 'applied', after: { customMark: 'on its own' } });
    expect(await announcedWrites(bff.store.read, jobId)).toEqual([]);
    await jobs.stop();
  });
});
