// One policy for an edition without standard marks (51013), whichever path writes: an interactive
// save and a bulk job both get the custom-mark-only items through and fail the others.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkResult } from '../../shared/api/marks';
import { bitNamesFrom, readJobCsv } from '../jobs/csv';
import { createJobRunner } from '../jobs/runner';
import { storeCheckedJob } from '../jobs/upload-store';
import { csvOf, jobAuditEntries } from '../jobs/testing';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ emulator: { edition: 'basic' } });
  await bff.importUsers('basic.alice', 'basic.bob');
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
});
