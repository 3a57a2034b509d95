import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JOB_CSV_COLUMNS, type JobCheckedResponse, type JobReport, type JobStatus } from '../../../../shared/api/jobs';
import type { Role } from '../../../../shared/api/session';
import { apiError, installFakeApi, json, type FakeResponse } from '../../../test/fake-api';
import { jobStatus, readBlob, sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';
import { bulkFileState } from '../model/bulk-file-state';

const HEADER = JOB_CSV_COLUMNS.join(',');

function csvFile(lines: string[], name = 'marks.csv'): File {
  return new File([[HEADER, ...lines].join('\n')], name, { type: 'text/csv' });
}

const checkedWithOneBadLine: JobCheckedResponse = {
  jobId: 'job-aaaa1111',
  state: 'checked',
  rows: 3,
  valid: 2,
  invalid: [{ line: 3, error: 'set_bits: "shiny" is not a bit; use 0–3, 32–63, favourite, unread, collapsed, hidden or the label of a custom bit.' }],
  preview: [
    { line: 2, chatUser: 'olivia.brown', conversation: { type: 'c2c', id: 'liam.smith' }, setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션' },
    { line: 4, chatUser: 'olivia.brown', conversation: { type: 'group', id: '@TGS#2ABC' }, setBits: [], clearBits: [1] },
  ],
};

/**
 * A small BFF for bulk jobs: uploads answer the queued check results in turn; the jobs keep their
 * state, and control requests move them like the server does.
 */
function fakeBulkApi(options: { role?: Role; checks?: (JobCheckedResponse | FakeResponse)[]; jobs?: JobStatus[]; reports?: Record<string, JobReport> } = {}) {
  const jobs = new Map((options.jobs ?? []).map((job) => [job.jobId, job]));
  const checks = [...(options.checks ?? [])];
  const transitions = { start: 'running', pause: 'paused', resume: 'running', cancel: 'cancelled' } as const;
  const api = installFakeApi({
    'GET /api/session': session(options.role ?? 'editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: { '32': { name: 'VIP', description: 'Paying customer' } } }),
    'POST /api/jobs': () => {
      const next = checks.shift();
      if (!next) return apiError(500, 'INTERNAL_ERROR', 'No check queued.');
      if (!('jobId' in next)) return next;
      jobs.set(next.jobId, jobStatus(next.jobId, { total: next.valid, rows: next.rows, invalid: next.rows - next.valid }));
      return json(next, 201);
    },
    'GET /api/jobs': () => json({ jobs: [...jobs.values()].reverse() }),
    'GET /api/jobs/:id/report': (request) =>
      json(options.reports?.[request.params.id as string] ?? { invalidByReason: [], failedByReason: [] }),
    'POST /api/jobs/:id/rollback': (request) => {
      const source = jobs.get(request.params.id as string) as JobStatus;
      const created = jobStatus('job-rb000001', { state: 'running', total: source.applied, kind: 'rollback', sourceJobId: source.jobId, startedBy: 'support', startedAt: '2026-11-21T09:50:00Z' });
      jobs.set(created.jobId, created);
      return json({ jobId: created.jobId }, 201);
    },
    'POST /api/jobs/:id/retry-failed': (request) => {
      const source = jobs.get(request.params.id as string) as JobStatus;
      const created = jobStatus('job-rt000001', { total: source.failed, rows: source.failed, invalid: 0, kind: 'retry', sourceJobId: source.jobId });
      jobs.set(created.jobId, created);
      return json({ jobId: created.jobId, state: 'checked' }, 201);
    },
    'GET /api/jobs/:id': (request) => {
      const job = jobs.get(request.params.id as string);
      return job ? json(job) : apiError(404, 'NOT_FOUND', 'There is no such job.');
    },
    'POST /api/jobs/:id/:action': (request) => {
      const job = jobs.get(request.params.id as string) as JobStatus;
      const action = request.params.action as keyof typeof transitions;
      const next: JobStatus = { ...job, state: transitions[action], ...(action === 'start' ? { startedBy: 'support', startedAt: '2026-11-21T09:31:00Z' } : {}) };
      jobs.set(job.jobId, next);
      return json(next);
    },
  });
  return { api, jobs };
}

const fileInput = () => screen.findByLabelText('CSV file', { selector: 'input[type="file"]' });

describe('Bulk page', { timeout: 60_000 }, () => {
  it('checks a file: uploads it as CSV, shows the counts, the bad lines with their numbers and a preview with named bits', async () => {
    const { api } = fakeBulkApi({ checks: [checkedWithOneBadLine] });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/bulk');
    const file = csvFile(['olivia.brown,c2c,liam.smith,favourite VIP,hidden,에스컬레이션,', 'olivia.brown,c2c,noah,shiny,,,', 'olivia.brown,group,@TGS#2ABC,,unread,,']);
    await user.upload(await fileInput(), file);
    expect(screen.getByText(`marks.csv · ${file.size} bytes`)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Check file' }));

    expect(await screen.findByText('Rows: 3 · valid: 2 · invalid: 1')).toBeInTheDocument();
    const upload = api.last('POST', '/api/jobs');
    expect(upload?.headers.get('Content-Type')).toBe('text/csv');
    expect(upload?.headers.get('X-Requested-By')).toBe('markdesk');
    const [, init] = api.fetch.mock.calls.find(([input]) => String(input) === '/api/jobs') as [string, RequestInit];
    expect(await readBlob(init.body as Blob)).toBe(await readBlob(file));

    const badLines = screen.getByRole('list', { name: 'Lines that will be skipped (1)' });
    expect(within(badLines).getByText('Line 3')).toBeInTheDocument();
    expect(within(badLines).getByText(/"shiny" is not a bit/)).toBeInTheDocument();

    const preview = screen.getByRole('table', { name: 'First rows that will be sent' });
    const [, first, second] = within(preview).getAllByRole('row');
    expect(within(first as HTMLElement).getByText('Favourite, VIP (bit 32)')).toBeInTheDocument();
    expect(within(first as HTMLElement).getByText('Hidden')).toBeInTheDocument();
    expect(within(first as HTMLElement).getByText('‘에스컬레이션’')).toBeInTheDocument();
    expect(within(second as HTMLElement).getByRole('cell', { name: 'Group @TGS#2ABC' })).toBeInTheDocument();
    expect(within(second as HTMLElement).getByText('unchanged')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?job=job-aaaa1111');
  });

  it('enables Start only after a check that found at least one valid row, then starts that job', async () => {
    const allBad: JobCheckedResponse = { jobId: 'job-bad00000', state: 'checked', rows: 1, valid: 0, invalid: [{ line: 2, error: 'conversation_type: "dm" is not a conversation type; use c2c or group.' }], preview: [] };
    const { api } = fakeBulkApi({ checks: [allBad, checkedWithOneBadLine] });
    const user = userEvent.setup({ delay: null });
    renderApp('/bulk');
    await user.upload(await fileInput(), csvFile(['olivia.brown,dm,liam.smith,0,,,']));
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Check file' }));
    expect(await screen.findByText('Rows: 1 · valid: 0 · invalid: 1')).toBeInTheDocument();
    expect(screen.getByText('No row can be sent. Fix the file and check it again.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();

    // A new file replaces the checked job that was never started.
    await user.upload(await fileInput(), csvFile(['olivia.brown,c2c,liam.smith,0,,,'], 'fixed.csv'));
    await waitFor(() => expect(screen.queryByText('Rows: 1 · valid: 0 · invalid: 1')).toBeNull());
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Check file' }));
    expect(await screen.findByText('Rows: 3 · valid: 2 · invalid: 1')).toBeInTheDocument();
    const start = screen.getByRole('button', { name: 'Start' });
    await waitFor(() => expect(start).toBeEnabled());

    // The check refused a line: starting is confirmed first, naming what will be skipped and sent.
    await user.click(start);
    const confirm = await screen.findByRole('dialog', { name: 'Start with 1 refused line?' });
    expect(within(confirm).getByText(/refused 1 line of this file; it will be skipped.*sends the other 2 rows/)).toBeInTheDocument();
    expect(api.last('POST', '/api/jobs/job-aaaa1111/start')).toBeUndefined();
    await user.click(within(confirm).getByRole('button', { name: 'Start 2 rows' }));
    expect(await screen.findByRole('progressbar', { name: 'Job progress' })).toBeInTheDocument();
    const request = api.last('POST', '/api/jobs/job-aaaa1111/start');
    expect(request?.body).toEqual({});
    expect(request?.headers.get('X-Requested-By')).toBe('markdesk');
    // The card is emptied for the next file.
    expect(screen.getByText('No file chosen yet.')).toBeInTheDocument();
  });

  it('shows progress: the bar named Job progress at done ÷ total, counts, call rate and time left, partial results', async () => {
    fakeBulkApi({
      jobs: [jobStatus('job-run00001', { state: 'running', total: 200, done: 50, applied: 40, unchanged: 6, conflicts: 3, failed: 1, callsPerSecond: 42.46, etaSeconds: 125, startedBy: 'support', startedAt: '2026-11-21T09:31:00Z' })],
    });
    renderApp('/bulk?job=job-run00001');
    const bar = await screen.findByRole('progressbar', { name: 'Job progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(bar).toHaveAttribute('aria-valuetext', '50 of 200 rows (25%)');
    expect(screen.getByTestId('job-count-applied')).toHaveTextContent('40');
    expect(screen.getByTestId('job-count-unchanged')).toHaveTextContent('6');
    expect(screen.getByTestId('job-count-conflicts')).toHaveTextContent('3');
    expect(screen.getByTestId('job-count-failed')).toHaveTextContent('1');
    expect(screen.getByTestId('job-rate')).toHaveTextContent('42.5 calls per second · about 2 minutes left');
    expect(screen.getByRole('link', { name: 'Download partial results' })).toHaveAttribute('href', '/api/jobs/job-run00001/results.csv');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled();
  });

  it('speaks Korean, numbers and time left included', async () => {
    fakeBulkApi({ jobs: [jobStatus('job-run00003', { state: 'running', total: 2000, done: 1500, applied: 1500, callsPerSecond: 12, etaSeconds: 3600 * 1.5 })] });
    renderApp('/bulk?job=job-run00003', { language: 'ko' });
    const bar = await screen.findByRole('progressbar', { name: '작업 진행률' });
    expect(bar).toHaveAttribute('aria-valuetext', '2,000행 중 1,500행 (75%)');
    expect(screen.getByTestId('job-rate')).toHaveTextContent('초당 12회 호출 · 약 1.5시간 남음');
    expect(screen.getByRole('button', { name: '일시 중지' })).toBeInTheDocument();
  });

  it('polls a running job until it is done, then offers the final results', async () => {
    const { api, jobs } = fakeBulkApi({ jobs: [jobStatus('job-run00002', { state: 'running', total: 4, done: 1, applied: 1 })] });
    renderApp('/bulk?job=job-run00002');
    expect(await screen.findByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByTestId('job-rate')).toHaveTextContent('Sending the first calls…');
    jobs.set('job-run00002', jobStatus('job-run00002', { state: 'running', total: 4, done: 3, applied: 3, callsPerSecond: 3, etaSeconds: 1 }));
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '75'));
    // The list's row of the job in view moves with the panel, not only when the list is fetched again.
    const row = within(await screen.findByRole('table', { name: 'Recent jobs' })).getByRole('row', { current: true });
    expect(row).toHaveTextContent('3 / 4');
    jobs.set('job-run00002', jobStatus('job-run00002', { state: 'done', total: 4, done: 4, applied: 4, finishedAt: '2026-11-21T09:40:00Z' }));
    expect(await screen.findByRole('link', { name: 'Download results' })).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '100');
    const polls = api.requests.filter((request) => request.path === '/api/jobs/job-run00002').length;
    expect(polls).toBeGreaterThanOrEqual(2);
    // Done: no more polling.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(api.requests.filter((request) => request.path === '/api/jobs/job-run00002').length).toBe(polls);
  });

  it('pauses, resumes, and cancels only after confirming', async () => {
    const { api } = fakeBulkApi({ jobs: [jobStatus('job-ctl00001', { state: 'running', total: 10, done: 4, applied: 4 })] });
    const user = userEvent.setup({ delay: null });
    renderApp('/bulk?job=job-ctl00001');
    await user.click(await screen.findByRole('button', { name: 'Pause' }));
    await user.click(await screen.findByRole('button', { name: 'Resume' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this job?' });
    expect(within(dialog).getByText(/Rows not sent yet \(6\) will never be sent/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Keep the job' }));
    expect(api.requests.some((request) => request.path.endsWith('/cancel'))).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel job' }));
    await waitFor(() => expect(api.last('POST', '/api/jobs/job-ctl00001/cancel')).toBeDefined());
    expect(api.requests.filter((request) => request.method === 'POST').map((request) => request.path.split('/').at(-1))).toEqual(['pause', 'resume', 'cancel']);
  });

  it('lets a viewer follow jobs — the running one in view at once — and open another, without upload or controls', async () => {
    fakeBulkApi({
      role: 'viewer',
      jobs: [
        jobStatus('job-old00001', { state: 'done', total: 3, done: 3, applied: 3, finishedAt: '2026-11-21T09:40:00Z' }),
        jobStatus('job-new00001', { state: 'running', total: 10, done: 5, applied: 5, createdBy: 'ops', startedBy: 'support' }),
      ],
    });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/bulk');
    expect(await screen.findByText(/You have the viewer role/)).toBeInTheDocument();
    expect(screen.queryByLabelText('CSV file')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Check file' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();

    const list = await screen.findByRole('table', { name: 'Recent jobs' });
    expect(within(list).getByText('ops, started by support')).toBeInTheDocument();
    // The rows the check refused are part of a job's outcome.
    expect(within(list).getAllByText(/0 failed · 1 refused by the check/)).toHaveLength(2);
    // No job in the address: the running one is shown.
    await waitFor(() => expect(router.state.location.search).toBe('?job=job-new00001'));
    expect(await screen.findByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '50');
    for (const name of ['Start', 'Pause', 'Resume', 'Cancel']) expect(screen.queryByRole('button', { name })).toBeNull();
    expect(screen.getByRole('link', { name: 'Download partial results' })).toBeInTheDocument();

    await user.click(within(list).getByRole('button', { name: 'Open job old00001' }));
    expect(router.state.location.search).toBe('?job=job-old00001');
    expect(await screen.findByRole('link', { name: 'Download results' })).toBeInTheDocument();
  });

  it('never dates a job in the future: one created after the list’s clock last moved reads "now"', async () => {
    fakeBulkApi({ jobs: [jobStatus('job-new00002', { state: 'done', total: 1, done: 1, applied: 1, createdAt: new Date(Date.now() + 3000).toISOString() })] });
    renderApp('/bulk');
    const list = await screen.findByRole('table', { name: 'Recent jobs' });
    expect(within(list).getByText('now')).toBeInTheDocument();
  });

  it('offers the template as a download with the header and both example rows', async () => {
    fakeBulkApi();
    renderApp('/bulk');
    const link = await screen.findByRole('link', { name: 'Download template' });
    expect(link).toHaveAttribute('download', 'markdesk-bulk-template.csv');
    const href = link.getAttribute('href') as string;
    expect(href.startsWith('data:text/csv;charset=utf-8,')).toBe(true);
    const lines = decodeURIComponent(href.slice(href.indexOf(',') + 1)).replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(lines).toEqual([HEADER, 'olivia.brown,c2c,liam.smith,favourite unread,hidden,,true', 'minji.kim,group,@TGS#2TUATWW41,0 32,3,에스컬레이션,']);
  });

  it('shows the BFF’s sentence and the request id when the file as a whole is refused', async () => {
    fakeBulkApi({
      checks: [apiError(400, 'VALIDATION_FAILED', `The header is wrong (missing clear_custom_mark). The first line must be the header ${HEADER}.`, { details: { 'line.1': ['…'] } })],
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/bulk');
    await user.upload(await fileInput(), new File(['chat_user,conversation_type\n'], 'short.csv', { type: 'text/csv' }));
    await user.click(screen.getByRole('button', { name: 'Check file' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The file was not accepted')).toBeInTheDocument();
    expect(alert).toHaveTextContent('The header is wrong (missing clear_custom_mark).');
    expect(alert).toHaveTextContent('Request ID: req-400-validation_failed');
  });

  it('checks a file prepared on the Marks page at once, and only once', async () => {
    const { api } = fakeBulkApi({ checks: [checkedWithOneBadLine] });
    const text = `${HEADER}\r\nolivia.brown,c2c,liam.smith,0,,,\r\n`;
    const { router } = renderApp({ pathname: '/bulk', state: bulkFileState({ name: 'markdesk-olivia.brown.csv', text }) });
    expect(await screen.findByText('Rows: 3 · valid: 2 · invalid: 1')).toBeInTheDocument();
    expect(screen.getByText(/markdesk-olivia\.brown\.csv/)).toBeInTheDocument();
    expect(api.requests.filter((request) => request.method === 'POST' && request.path === '/api/jobs')).toHaveLength(1);
    const [, init] = api.fetch.mock.calls.find(([input]) => String(input) === '/api/jobs') as [string, RequestInit];
    expect(await readBlob(init.body as Blob)).toBe(text);
    expect(router.state.location.state).toBeNull();
    expect(router.state.location.search).toBe('?job=job-aaaa1111');
  });

  it('shows the impact of a checked job with a CSV per kind, and refused lines by reason with their CSV', async () => {
    const jobId = 'job-imp00001';
    fakeBulkApi({
      jobs: [jobStatus(jobId, { total: 8, rows: 10, invalid: 2 })],
      reports: {
        [jobId]: {
          invalidByReason: [{ reason: 'Bit 7 is reserved for Chat and cannot be changed.', count: 2 }],
          failedByReason: [],
          impact: {
            overwritesCustomMark: 3,
            alreadyInState: 0,
            wouldExceedCap: 1,
            notImported: 2,
            examples: [{ line: 4, chatUser: 'olivia.brown', conversation: { type: 'c2c', id: 'liam.smith' }, from: 'old', to: 'new' }],
          },
        },
      },
    });
    renderApp(`/bulk?job=${jobId}`);
    const impact = await screen.findByRole('region', { name: 'What the valid rows would do now' });
    expect(within(impact).getByText('Replace a custom mark that is set now: 3')).toBeInTheDocument();
    expect(within(impact).getByRole('link', { name: 'Download CSV: Replace a custom mark that is set now: 3' })).toHaveAttribute(
      'href',
      `/api/jobs/${jobId}/impact/overwritesCustomMark.csv`,
    );
    expect(within(impact).queryByRole('link', { name: /Already as asked/ })).toBeNull();
    expect(within(impact).getByRole('link', { name: /Chat user not imported/ })).toHaveAttribute('href', `/api/jobs/${jobId}/impact/notImported.csv`);
    expect(within(impact).getByText('Line 4, olivia.brown · liam.smith: “old” → “new”')).toBeInTheDocument();
    const refused = screen.getByRole('region', { name: 'Refused lines by reason' });
    expect(within(refused).getByText('2 × Bit 7 is reserved for Chat and cannot be changed.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download refused lines (CSV)' })).toHaveAttribute('href', `/api/jobs/${jobId}/invalid.csv`);
  });

  it('rolls back a finished job after confirming, and makes a job of its failed rows', async () => {
    const finished = jobStatus('job-fin00001', { state: 'done', total: 5, done: 5, applied: 3, failed: 2, finishedAt: '2026-11-21T09:40:00Z', startedBy: 'support', startedAt: '2026-11-21T09:31:00Z' });
    const { api } = fakeBulkApi({
      jobs: [finished],
      reports: { 'job-fin00001': { invalidByReason: [], failedByReason: [{ reason: 'The Chat user is not imported.', count: 2 }] } },
    });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/bulk?job=job-fin00001');
    expect(await screen.findByText('2 × The Chat user is not imported.')).toBeInTheDocument();

    await user.click(await screen.findByRole('button', { name: 'Roll back job' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll back job fin00001?' });
    expect(within(dialog).getByText(/undoes the 3 changes this job applied/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.last('POST', '/api/jobs/job-fin00001/rollback')).toBeUndefined();

    await user.click(screen.getByRole('button', { name: 'Roll back job' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Roll back 3 changes' }));
    // (The source job's panel may name the rollback for a moment before the new job opens.)
    await waitFor(() => expect(screen.getByTestId('job-origin')).toHaveTextContent('Rollback of job fin00001'));
    expect(router.state.location.search).toBe('?job=job-rb000001');

    await router.navigate('/bulk?job=job-fin00001');
    // The job being rolled back says so, in its panel and in its row of Recent jobs, naming the rollback
    // (still running here: "Rolled back by" only once it is done, see e2e/bulk.spec.ts).
    await waitFor(() => expect(screen.getByTestId('job-origin')).toHaveTextContent('Being rolled back by job rb000001'));
    const recent = screen.getByRole('table', { name: 'Recent jobs' });
    const rows = within(recent).getAllByRole('row');
    expect(rows.find((row) => row.textContent?.startsWith('fin00001'))).toHaveTextContent('Being rolled back by job rb000001');
    expect(rows.find((row) => row.textContent?.startsWith('rb000001'))).toHaveTextContent('Rollback of job fin00001');
    await user.click(await screen.findByRole('button', { name: 'Retry failed rows' }));
    await waitFor(() => expect(screen.getByTestId('job-origin')).toHaveTextContent('Failed rows of job fin00001'));
    expect(router.state.location.search).toBe('?job=job-rt000001');
    expect(api.last('POST', '/api/jobs/job-fin00001/retry-failed')?.body).toEqual({});
  });

  it('does not offer roll back or retry to a viewer', async () => {
    fakeBulkApi({ role: 'viewer', jobs: [jobStatus('job-fin00002', { state: 'done', total: 2, done: 2, applied: 1, failed: 1, finishedAt: '2026-11-21T09:40:00Z' })] });
    renderApp('/bulk?job=job-fin00002');
    expect(await screen.findByText('Job fin00002')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Roll back job' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry failed rows' })).toBeNull();
  });

  it('coming back, shows the latest job this person checked and has not started', async () => {
    fakeBulkApi({
      jobs: [
        jobStatus('job-mine0001', { createdBy: 'support' }),
        jobStatus('job-done0001', { state: 'done', total: 2, done: 2, applied: 2, finishedAt: '2026-11-21T09:40:00Z' }),
        jobStatus('job-other001', { createdBy: 'ops' }),
      ],
    });
    const { router } = renderApp('/bulk');
    await waitFor(() => expect(router.state.location.search).toBe('?job=job-mine0001'));
  });
});
