// The bulk-job API through Fastify inject, against the emulator.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_RESULT_COLUMNS, type JobCheckedResponse, type JobStatus } from '../../shared/api/jobs';
import { jobLineRequestId } from '../jobs/ledger';
import { bulkJobReason } from '../../shared/api/job-reason';
import {
  checkedJob,
  controlJob,
  csvOf,
  jobAuditEntries,
  jobCsv,
  jobStatus,
  plannedRows,
  upstreamStates,
  uploadJob,
  waitForJob,
} from '../jobs/testing';
import { verifyAuditChain } from '../store/audit-verify';
import { replaceLabels } from '../store/labels';
import { selectRow } from '../store/sql';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;

beforeAll(async () => {
  bff = await startTestBff();
  await replaceLabels(bff.store, { '32': { name: 'VIP' }, '40': { name: 'Needs follow-up' } });
});
afterAll(() => bff.close());

async function markCalls(): Promise<number> {
  return (await bff.emulatorStats()).commands['recentcontact/mark_contact']?.calls ?? 0;
}

async function resultsCsv(jobId: string, role: 'viewer' | 'editor' = 'viewer') {
  const response = await bff.inject({ method: 'GET', url: `/api/jobs/${jobId}/results.csv`, headers: { cookie: await bff.signIn(role) } });
  return { response, records: parse(response.body, { bom: true }) as string[][] };
}

describe('POST /api/jobs (check)', () => {
  it('checks every line, lists the invalid ones with their line numbers, previews the valid ones and writes nothing upstream', async () => {
    await bff.clearEmulatorStats();
    const response = await uploadJob(
      bff,
      '\uFEFF' +
        jobCsv(
          'alice,c2c,bob,favourite VIP,,,',
          'alice,group,@TGS#A,needs FOLLOW-UP,hidden,"에스컬레이션, 긴급",',
          'alice,c2c,carol,7,,,',
          'alice,dm,dave,0,,,',
          'alice,c2c,bob,1,,,',
          ',c2c,erin,0,,,',
          'alice,c2c,frank,,,,true',
          'alice,c2c,gina,unknown-name,,,',
        ),
    );
    expect(response.statusCode, response.body).toBe(201);
    const checked = response.json<JobCheckedResponse>();
    expect(checked).toMatchObject({ state: 'checked', rows: 8, valid: 3 });
    expect(checked.invalid).toEqual([
      { line: 4, error: 'Bit 7 is reserved for Chat and cannot be changed.' },
      { line: 5, error: 'conversation_type: "dm" is not a conversation type; use c2c or group.' },
      { line: 6, error: 'This conversation is already on line 2; put all its changes in one row.' },
      { line: 7, error: 'chat_user: The Chat user ID is empty.' },
      { line: 9, error: expect.stringContaining('"unknown-name" is not a bit') },
    ]);
    expect(checked.preview).toEqual([
      { line: 2, chatUser: 'alice', conversation: { type: 'c2c', id: 'bob' }, setBits: [0, 32], clearBits: [] },
      { line: 3, chatUser: 'alice', conversation: { type: 'group', id: '@TGS#A' }, setBits: [40], clearBits: [3], customMark: '에스컬레이션, 긴급' },
      { line: 8, chatUser: 'alice', conversation: { type: 'c2c', id: 'frank' }, setBits: [], clearBits: [], customMark: '' },
    ]);
    expect(await markCalls()).toBe(0);
    // The check only reads: alice is not imported, so one account_check and nothing else.
    expect(Object.keys((await bff.emulatorStats()).commands)).toEqual(['im_open_login_svc/account_check']);
    expect(checked.impact).toMatchObject({ notImported: 3, overwritesCustomMark: 0 });
    expect(await jobStatus(bff, checked.jobId)).toMatchObject({ state: 'checked', total: 3, done: 0, rows: 8, invalid: 5, createdBy: 'editor' });
  });

  it('refuses a file without the header, or with wrong columns, naming the problem', async () => {
    const noHeader = await uploadJob(bff, 'alice,c2c,bob,0,,,\r\n');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error.message).toMatch(/header is wrong .*missing chat_user.*The first line must be the header chat_user,conversation_type/);

    const empty = await uploadJob(bff, '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/The file is empty/);

    const wrong = await uploadJob(bff, 'chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,colour\r\n');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('missing clear_custom_mark; unknown "colour"');
  });

  it('refuses more than 100,000 rows with a clear error and keeps nothing of the file', async () => {
    const jobsBefore = (await bff.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: await bff.signIn('viewer') } })).json().jobs.length;
    const rows = Array.from({ length: 100_001 }, (_, i) => `u${i % 50},c2c,p${i},0,,,`);
    const response = await uploadJob(bff, jobCsv(...rows));
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The file has more than 100,000 rows; split it into files of at most 100,000 rows.',
    });
    const jobsAfter = (await bff.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: await bff.signIn('viewer') } })).json().jobs.length;
    expect(jobsAfter).toBe(jobsBefore);
    expect(await selectRow(bff.store.read, `SELECT COUNT(*) AS n FROM jobs WHERE state = 'uploading'`)).toEqual({ n: 0 });
  }, 30_000);

  it('refuses a file that is not UTF-8', async () => {
    // "김" in CP949, as Excel on Korean Windows saves "CSV".
    const cp949 = Buffer.concat([Buffer.from(jobCsv('alice,c2c,bob,0,,')), Buffer.from([0xb1, 0xe8]), Buffer.from(',\r\n')]);
    const response = await uploadJob(bff, cp949);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('not UTF-8');
  });

  it('takes the file only as text/csv, still under the CSRF rule', async () => {
    const editor = await bff.signIn('editor');
    const asJson = await bff.inject({ method: 'POST', url: '/api/jobs', headers: { ...bff.writeHeaders, cookie: editor }, payload: { rows: [] } });
    expect(asJson.statusCode).toBe(415);
    expect(asJson.json().error.message).toContain('text/csv');

    const asText = await bff.inject({
      method: 'POST',
      url: '/api/jobs',
      headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'text/plain' },
      payload: jobCsv('alice,c2c,bob,0,,,'),
    });
    expect(asText.statusCode).toBe(415);

    const noHeader = await bff.inject({
      method: 'POST',
      url: '/api/jobs',
      headers: { cookie: editor, 'content-type': 'text/csv', origin: bff.origin },
      payload: jobCsv('alice,c2c,bob,0,,,'),
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('CSRF_REJECTED');

    const crossSite = await bff.inject({
      method: 'POST',
      url: '/api/jobs',
      headers: { ...bff.writeHeaders, 'sec-fetch-site': 'cross-site', cookie: editor, 'content-type': 'text/csv' },
      payload: jobCsv('alice,c2c,bob,0,,,'),
    });
    expect(crossSite.statusCode).toBe(403);

    // The exemption is for the upload only: the control routes stay JSON-or-nothing.
    const { jobId } = await checkedJob(bff, jobCsv('alice,c2c,zed,0,,,'));
    const csvToControl = await bff.inject({
      method: 'POST',
      url: `/api/jobs/${jobId}/start`,
      headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'text/csv' },
      payload: 'x',
    });
    expect(csvToControl.statusCode).toBe(415);
    expect((await jobStatus(bff, jobId)).state).toBe('checked');
  });
});

describe('roles', () => {
  it('a viewer can read jobs and their results but not create or control them', async () => {
    const { jobId } = await checkedJob(bff, jobCsv('alice,c2c,viewer-peer,0,,,'));
    const upload = await uploadJob(bff, jobCsv('alice,c2c,bob,0,,,'), 'viewer');
    expect(upload.statusCode).toBe(403);
    expect(upload.json().error.code).toBe('FORBIDDEN');
    for (const action of ['start', 'pause', 'resume', 'cancel'] as const) {
      expect((await controlJob(bff, jobId, action, 'viewer')).statusCode).toBe(403);
    }
    expect((await jobStatus(bff, jobId)).state).toBe('checked');
    const list = await bff.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: await bff.signIn('viewer') } });
    expect(list.statusCode).toBe(200);
    expect((await resultsCsv(jobId)).response.statusCode).toBe(200);
  });

  it('nobody signed in gets anything', async () => {
    expect((await bff.inject({ method: 'GET', url: '/api/jobs' })).statusCode).toBe(401);
    expect((await bff.inject({ method: 'POST', url: '/api/jobs', headers: { ...bff.writeHeaders, 'content-type': 'text/csv' }, payload: 'x' })).statusCode).toBe(401);
  });
});

describe('running a job', () => {
  it('applies every valid row as requested, one audit entry each, and reports it in results.csv', async () => {
    await bff.importUsers('run.a', 'run.b');
    // One conversation is already in the requested state: unchanged, and not sent.
    await bff.tencent('recentcontact/mark_contact', {
      From_Account: 'run.a',
      MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'peer.0.1' }, SetMark: [0, 32] }],
    });
    const rows = plannedRows(['run.a', 'run.b'], 3, [0, 32], '중요');
    rows[1]!.customMark = undefined;
    const csv = csvOf(rows).replace(/\r\n$/, '\r\n') + 'run.a,c2c,"=HYPERLINK(""x"")",99,,,\r\n' + 'not.imported,c2c,somebody,0,,,\r\n';
    const checked = await checkedJob(bff, csv);
    expect(checked).toMatchObject({ rows: 8, valid: 7 });

    await bff.clearEmulatorStats();
    const started = await controlJob(bff, checked.jobId, 'start');
    expect(started.statusCode).toBe(200);
    expect(started.json<JobStatus>()).toMatchObject({ state: 'running', total: 7, startedBy: 'editor' });
    const done = await waitForJob(bff, checked.jobId, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', total: 7, done: 7, applied: 5, unchanged: 1, conflicts: 0, failed: 1, callsPerSecond: 0, etaSeconds: null });
    expect(done.finishedAt).toBeDefined();

    const states = await upstreamStates(bff.chat, rows);
    for (const row of rows) {
      expect(states.get(`${row.chatUser}/${row.conversation.id}`), row.conversation.id).toEqual({ bits: [0, 32], customMark: row.customMark ?? '' });
    }
    // Two users → two write calls; the unchanged row was not among the items sent.
    expect(await markCalls()).toBe(2);

    const entries = await jobAuditEntries(bff.store.read, checked.jobId);
    expect(entries).toHaveLength(7);
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(7);
    expect(entries.every((entry) => entry.staff === 'editor' && entry.reason === bulkJobReason(checked.jobId))).toBe(true);
    expect(entries.map((entry) => entry.status).sort()).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'failed', 'unchanged']);
    const failedEntry = entries.find((entry) => entry.status === 'failed')!;
    expect(failedEntry).toMatchObject({ chatUser: 'not.imported', upstreamCode: 50001, requestId: jobLineRequestId(checked.jobId, 9) });
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);

    const { response, records } = await resultsCsv(checked.jobId);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    expect(response.body).toContain('\r\n');
    expect(records[0]).toEqual([...JOB_RESULT_COLUMNS]);
    expect(records).toHaveLength(9);
    expect(records[1]).toEqual(['run.a', 'c2c', 'peer.0.0', '0 32', '', '중요', '', 'applied', '', '']);
    expect(records[2]!.slice(7)).toEqual(['unchanged', '', '']);
    // A cell a spreadsheet would run is neutralised, and the refusal is explained.
    expect(records[7]).toEqual(['run.a', 'c2c', `'=HYPERLINK("x")`, '99', '', '', '', 'invalid', '', 'Bit 99 does not exist; bits are numbered 0 to 63.']);
    expect(records[8]!.slice(7)).toEqual(['failed', '50001', expect.stringMatching(/not been imported/)]);
  });

  it('ends with every row applied exactly as requested when Chat answers 50004 and 60007 now and then', async () => {
    const users = ['fault.a', 'fault.b', 'fault.c'];
    await bff.importUsers(...users);
    const rows = plannedRows(users, 40, [1, 33], 'VIP 고객');
    const checked = await checkedJob(bff, csvOf(rows));
    await bff.setFaults({ errorRate: { '50004': 0.3, '60007': 0.2 }, seed: 7 });
    try {
      await controlJob(bff, checked.jobId, 'start');
      const done = await waitForJob(bff, checked.jobId, ['done', 'failed'], 30_000);
      expect(done).toMatchObject({ state: 'done', done: 120, applied: 120, failed: 0 });
      const stats = await bff.emulatorStats();
      // The faults really happened.
      expect(Object.keys(stats.commands['recentcontact/mark_contact']?.errorCodes ?? {}).length + Object.keys(stats.commands['recentcontact/search_contact_group']?.errorCodes ?? {}).length).toBeGreaterThan(0);
    } finally {
      await bff.setFaults({});
    }
    const states = await upstreamStates(bff.chat, rows);
    for (const row of rows) expect(states.get(`${row.chatUser}/${row.conversation.id}`)).toEqual({ bits: [1, 33], customMark: 'VIP 고객' });
    const entries = await jobAuditEntries(bff.store.read, checked.jobId);
    expect(entries).toHaveLength(120);
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(120);
    expect(entries.every((entry) => entry.status === 'applied')).toBe(true);
  }, 40_000);
});

describe('control', () => {
  it('moves between states only as allowed, and cancelling a checked job cancels every row', async () => {
    const { jobId } = await checkedJob(bff, jobCsv('ctl.user,c2c,p1,0,,,', 'ctl.user,c2c,p2,0,,,', 'ctl.user,c2c,p3,nonsense,,,'));
    expect((await controlJob(bff, jobId, 'pause')).json().error).toMatchObject({ code: 'CONFLICT', message: 'The job is checked; only a running job can be paused.' });
    expect((await controlJob(bff, jobId, 'resume')).statusCode).toBe(409);
    // An empty JSON object is as good as no body.
    const withEmptyObject = await bff.inject({ method: 'POST', url: `/api/jobs/${jobId}/pause`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('editor') }, payload: {} });
    expect(withEmptyObject.statusCode).toBe(409);
    const withFields = await bff.inject({ method: 'POST', url: `/api/jobs/${jobId}/cancel`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('editor') }, payload: { force: true } });
    expect(withFields.statusCode).toBe(400);
    const cancelled = await controlJob(bff, jobId, 'cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe('cancelled');
    expect((await controlJob(bff, jobId, 'start')).statusCode).toBe(409);
    expect((await controlJob(bff, jobId, 'cancel')).statusCode).toBe(409);
    await waitForFinished(jobId);
    const { records } = await resultsCsv(jobId);
    expect(records.slice(1).map((record) => record[7])).toEqual(['cancelled', 'cancelled', 'invalid']);
    expect(await jobAuditEntries(bff.store.read, jobId)).toHaveLength(0);
  });

  it('answers 404 for a job that does not exist', async () => {
    const viewer = await bff.signIn('viewer');
    expect((await bff.inject({ method: 'GET', url: '/api/jobs/nope', headers: { cookie: viewer } })).statusCode).toBe(404);
    expect((await bff.inject({ method: 'GET', url: '/api/jobs/nope/results.csv', headers: { cookie: viewer } })).statusCode).toBe(404);
    expect((await controlJob(bff, 'nope', 'start')).statusCode).toBe(404);
  });

  it('lists jobs newest first', async () => {
    const first = await checkedJob(bff, jobCsv('list.user,c2c,p1,0,,,'));
    const second = await checkedJob(bff, jobCsv('list.user,c2c,p2,0,,,'));
    const response = await bff.inject({ method: 'GET', url: '/api/jobs?limit=2', headers: { cookie: await bff.signIn('viewer') } });
    expect(response.json<{ jobs: JobStatus[] }>().jobs.map((job) => job.jobId)).toEqual([second.jobId, first.jobId]);
  });
});

async function waitForFinished(jobId: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await jobStatus(bff, jobId)).finishedAt === undefined) {
    if (Date.now() > deadline) throw new Error('the job never finished');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
