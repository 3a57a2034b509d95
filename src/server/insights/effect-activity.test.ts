// A campaign's effect: a bulk job sets unread (and clears hidden) on 30 conversations; the
// emulator then plays users opening some of them (unread cleared) and hiding others again; the
// measurement's counts must match exactly. Activity over time counts the same job's lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityResponse, JobEffect, JobEffectListResponse } from '../../shared/api/insights';
import { checkedJob, controlJob, jobCsv, waitForJob } from '../jobs/testing';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { waitForSurvey } from './testing';

let jobIdOfTheDay = '';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ emulator: { rateLimits: false } });
});
afterAll(async () => bff.close());

const users = ['fx.a', 'fx.b', 'fx.c'];

async function markItem(user: string, peer: string, item: Record<string, unknown>): Promise<void> {
  const answer = await bff.tencent('recentcontact/mark_contact', { From_Account: user, MarkItem: [{ ContactItem: { Type: 1, To_Account: peer }, ...item }] });
  expect(answer.ErrorCode).toBe(0);
}

describe('campaign effect', () => {
  it('counts rows still as written, changed since, and which bits moved; keeps every measurement', { timeout: 60_000 }, async () => {
    await bff.importUsers(...users);
    const lines = users.flatMap((user) => Array.from({ length: 10 }, (_, n) => `${user},c2c,shop.${n},unread,hidden,nudge,`));
    const job = await checkedJob(bff, jobCsv(...lines));
    jobIdOfTheDay = job.jobId;
    const viewer = await bff.signIn('viewer');
    const early = await bff.inject({ method: 'POST', url: `/api/jobs/${job.jobId}/effect`, headers: { ...bff.writeHeaders, cookie: viewer } });
    expect(early.statusCode).toBe(409);
    expect((await controlJob(bff, job.jobId, 'start')).statusCode).toBe(200);
    await waitForJob(bff, job.jobId, ['done']);

    const measure = async () => {
      const response = await bff.inject({ method: 'POST', url: `/api/jobs/${job.jobId}/effect`, headers: { ...bff.writeHeaders, cookie: viewer } });
      expect(response.statusCode).toBe(200);
      return response.json<JobEffect>();
    };
    const first = await measure();
    expect(first).toMatchObject({ rows: 30, stillAsWritten: 30, changedSince: 0, bitsCleared: {}, bitsSet: {}, customMarkChanged: 0, unreadable: 0 });

    await bff.clearEmulatorStats();
    // 7 users open the conversation (unread cleared); 2 hide it again; 1 of those also opened it; 1 custom mark changed.
    for (const [user, n] of [['fx.a', 0], ['fx.a', 1], ['fx.a', 2], ['fx.b', 0], ['fx.b', 5], ['fx.c', 3], ['fx.c', 9]] as const) {
      await markItem(user, `shop.${n}`, { OptType: 1, ClearMark: [1] });
    }
    await markItem('fx.b', 'shop.5', { OptType: 1, SetMark: [3] });
    await markItem('fx.c', 'shop.7', { OptType: 1, SetMark: [3] });
    await markItem('fx.c', 'shop.8', { OptType: 2, CustomMark: 'changed' });
    await bff.clearEmulatorStats();

    const second = await measure();
    expect(second).toMatchObject({ rows: 30, stillAsWritten: 21, changedSince: 9, bitsCleared: { '1': 7 }, bitsSet: { '3': 2 }, customMarkChanged: 1, unreadable: 0 });
    // Read-only: only search_contact_group reached Chat.
    expect(Object.keys((await bff.emulatorStats()).commands)).toEqual(['recentcontact/search_contact_group']);

    const list = await bff.inject({ method: 'GET', url: `/api/jobs/${job.jobId}/effect`, headers: { cookie: viewer } });
    expect(list.json<JobEffectListResponse>().measurements.map((m) => m.stillAsWritten)).toEqual([30, 21]);
  });

  it('activity over time counts each day by bits, staff, status and source', async () => {
    const viewer = await bff.signIn('viewer');
    const day = new Date(bff.clock.now()).toISOString().slice(0, 10);
    const response = await bff.inject({ method: 'GET', url: `/api/audit/activity?from=${day}T00:00:00Z&to=${day}T23:59:59Z&by=day`, headers: { cookie: viewer } });
    expect(response.statusCode).toBe(200);
    const activity = response.json<ActivityResponse>();
    expect(activity.days).toHaveLength(1);
    expect(activity.days[0]).toEqual({
      day,
      changes: 30,
      bitsSet: { '1': 30 },
      bitsCleared: {},
      byStaff: { editor: 30 },
      byStatus: { applied: 30 },
      bySource: { bulk: 30 },
    });
    // The same users surveyed as "the users of the job" and as "the users in the audit log that day".
    const fromJob = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie: viewer }, payload: { jobId: jobIdOfTheDay } });
    expect(fromJob.statusCode).toBe(201);
    expect(fromJob.json()).toMatchObject({ users: 3 });
    const fromAudit = await bff.inject({
      method: 'POST',
      url: '/api/surveys',
      headers: { ...bff.writeHeaders, cookie: viewer },
      payload: { auditFrom: `${day}T00:00:00Z`, auditTo: `${day}T23:59:59Z` },
    });
    expect(fromAudit.json()).toMatchObject({ users: 3 });
    for (const created of [fromJob, fromAudit]) {
      const status = await waitForSurvey(bff, created.json<{ surveyId: string }>().surveyId);
      expect(status.source.kind).toBe(created === fromJob ? 'job' : 'audit');
      expect(status.results).toMatchObject({ usersRead: 3, usersWithMarks: 3, conversations: 30, usersWithBit: { '1': 3 } });
    }
    const tooLong = await bff.inject({ method: 'GET', url: '/api/audit/activity?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: { cookie: viewer } });
    expect(tooLong.statusCode).toBe(400);
  });
});
