// Surveys end to end: the BFF (inject) over a real emulator. The aggregates are property-tested
// against a brute-force count over the marks the test wrote into the emulator.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKED_PER_USER_BUCKETS, NEAR_CAP_FROM, type SurveyResults } from '../../shared/api/insights';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGroups, createSurvey, type PlannedMark, waitForSurvey, writeMarks } from './testing';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ emulator: { rateLimits: false, pageSize: { contactGroup: 7 } } });
  await createGroups(bff, 30);
});
afterAll(async () => bff.close());

const BIT_POOL = [0, 1, 2, 3, 17, 32, 40, 63];
const VALUES = ['', '', 'vip', 'VIP', '환불', '=SUM(1)', '待回复'];

const markArb = fc.record({
  type: fc.constantFrom<'c2c' | 'group'>('c2c', 'group'),
  bits: fc.uniqueArray(fc.constantFrom(...BIT_POOL), { maxLength: 4 }),
  customMark: fc.constantFrom(...VALUES),
});
/** Users, each with up to 30 marks on distinct conversations (some read over several pages of 7). */
const surveyArb = fc.array(fc.array(markArb, { maxLength: 30 }), { minLength: 1, maxLength: 12 });

/** What the results must be, counted the slow and obvious way from what was written. */
function bruteForce(marks: ReadonlyMap<string, readonly PlannedMark[]>): Omit<SurveyResults, 'sampleUsers' | 'topCustomMarks'> & { customMarks: Map<string, number> } {
  const users = [...marks.values()].map((items) => items.filter((mark) => mark.bits.length > 0 || mark.customMark !== ''));
  const usersWithBit: Record<string, number> = {};
  const conversationsWithBit: Record<string, number> = {};
  for (let bit = 0; bit < 64; bit++) {
    const carrying = users.map((items) => items.filter((mark) => mark.bits.includes(bit)).length);
    if (carrying.some((n) => n > 0)) {
      usersWithBit[bit] = carrying.filter((n) => n > 0).length;
      conversationsWithBit[bit] = carrying.reduce((a, b) => a + b, 0);
    }
  }
  const customMarks = new Map<string, number>();
  for (const items of users) for (const mark of items) if (mark.customMark) customMarks.set(mark.customMark, (customMarks.get(mark.customMark) ?? 0) + 1);
  const ofType = (type: 'c2c' | 'group') => ({
    users: users.filter((items) => items.some((mark) => mark.type === type)).length,
    conversations: users.reduce((sum, items) => sum + items.filter((mark) => mark.type === type).length, 0),
  });
  return {
    usersRead: users.length,
    usersWithMarks: users.filter((items) => items.length > 0).length,
    conversations: users.reduce((sum, items) => sum + items.length, 0),
    usersWithBit,
    conversationsWithBit,
    markedPerUser: MARKED_PER_USER_BUCKETS.map(([from, to]) => ({ from, to, users: users.filter((items) => items.length >= from && items.length <= to).length })),
    nearCap: users.filter((items) => items.length >= NEAR_CAP_FROM).length,
    c2c: ofType('c2c'),
    group: ofType('group'),
    usersWithCustomMark: users.filter((items) => items.some((mark) => mark.customMark !== '')).length,
    customMarks,
  };
}

describe('survey aggregates', () => {
  it('match a brute-force count over what Chat holds', { timeout: 120_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(surveyArb, async (plan) => {
        run++;
        const marks = new Map<string, PlannedMark[]>(
          plan.map((items, u) => [`prop${run}.user${u}`, items.map((mark, n) => ({ ...mark, id: mark.type === 'c2c' ? `peer.${n}` : `grp-${n}` }))]),
        );
        await writeMarks(bff, marks);
        const { surveyId } = await createSurvey(bff, { users: [...marks.keys()] });
        const status = await waitForSurvey(bff, surveyId);
        const { sampleUsers, topCustomMarks, ...results } = status.results!;
        const { customMarks, ...expected } = bruteForce(marks);
        expect(results).toEqual(expected);
        // Top values: the most used first, each with its exact count.
        for (const { value, count } of topCustomMarks) expect(count).toBe(customMarks.get(value));
        expect(topCustomMarks.map((top) => top.count)).toEqual([...topCustomMarks.map((top) => top.count)].sort((a, b) => b - a));
        expect(topCustomMarks).toHaveLength(Math.min(20, customMarks.size));
        for (const user of sampleUsers) expect(marks.get(user)!.some((mark) => mark.bits.length > 0 || mark.customMark !== '')).toBe(true);
      }),
      { numRuns: 8, seed: 1729 },
    );
  });
});

describe('a survey', () => {
  it('reads get_list when asked, counts users Chat does not know as failed, writes nothing upstream and serves its CSV', { timeout: 60_000 }, async () => {
    const marks = new Map<string, PlannedMark[]>([
      ['csv.a', [{ type: 'c2c', id: 'shop', bits: [0, 3], customMark: '=cmd' }]],
      ['csv.b', []],
    ]);
    await writeMarks(bff, marks);
    await bff.importUsers('csv.b');
    await bff.clearEmulatorStats();
    const { surveyId, users } = await createSurvey(bff, { users: ['csv.a', 'csv.b', 'csv.a', 'not.imported'], includeRecent: true, label: 'before' });
    expect(users).toBe(3);
    const status = await waitForSurvey(bff, surveyId);
    expect(status).toMatchObject({ label: 'before', users: 3, done: 3, failed: 1, includeRecent: true, source: { kind: 'users' } });
    expect(status.results).toMatchObject({ usersRead: 2, usersWithMarks: 1, recent: { users: 0, conversations: 0 } });
    const stats = await bff.emulatorStats();
    expect(Object.keys(stats.commands).sort()).toEqual(['recentcontact/get_contact_group', 'recentcontact/get_list']);

    const cookie = await bff.signIn('viewer');
    const csv = await bff.inject({ method: 'GET', url: `/api/surveys/${surveyId}/users.csv`, headers: { cookie } });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('user_id,status,marked_conversations,c2c,group,favourite,unread,collapsed,hidden,other_bits,custom_marks,custom_mark_values,recent_conversations,error');
    expect(lines[1]).toBe("csv.a,read,1,1,0,1,0,0,1,,1,'=cmd (1),0,");
    expect(lines[3]).toMatch(/^not\.imported,failed,,,,,,,,,,,,Chat error 50001/);
    const withoutValues = await bff.inject({ method: 'GET', url: `/api/surveys/${surveyId}/users.csv?values=0`, headers: { cookie } });
    expect(withoutValues.body).not.toContain('=cmd');
    expect(withoutValues.body).toContain('csv.a,read,1,1,0,1,0,0,1,,1,0,');
  });

  it('pauses, resumes and cancels; compare shows the change per bit between two surveys', { timeout: 60_000 }, async () => {
    const users = Array.from({ length: 40 }, (_, i) => `cmp.${i}`);
    await writeMarks(bff, new Map(users.map((user, i) => [user, [{ type: 'c2c', id: 'shop', bits: i % 2 === 0 ? [1] : [0], customMark: '' }]])));
    const before = await createSurvey(bff, { users, label: 'before' });
    const paused = await bff.inject({ method: 'POST', url: `/api/surveys/${before.surveyId}/pause`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('viewer') } });
    // The survey may have finished already on a fast machine; otherwise it is paused now.
    if (paused.statusCode === 200) {
      expect(paused.json<{ state: string }>().state).toBe('paused');
      const resumed = await bff.inject({ method: 'POST', url: `/api/surveys/${before.surveyId}/resume`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('viewer') } });
      expect(resumed.statusCode).toBe(200);
    } else {
      expect(paused.statusCode).toBe(409);
    }
    expect((await waitForSurvey(bff, before.surveyId)).results?.usersWithBit).toEqual({ '0': 20, '1': 20 });

    // Half of those with unread open the conversation (unread cleared); two others hide it.
    for (const user of users.filter((_, i) => i % 4 === 0)) {
      expectOkMark(await bff.tencent('recentcontact/mark_contact', { From_Account: user, MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'shop' }, ClearMark: [1], SetMark: [0] }] }));
    }
    for (const user of ['cmp.1', 'cmp.3']) {
      expectOkMark(await bff.tencent('recentcontact/mark_contact', { From_Account: user, MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'shop' }, SetMark: [3] }] }));
    }
    const after = await createSurvey(bff, { users, label: 'after' });
    await waitForSurvey(bff, after.surveyId);
    const compare = await bff.inject({ method: 'GET', url: `/api/surveys/compare?a=${before.surveyId}&b=${after.surveyId}`, headers: { cookie: await bff.signIn('viewer') } });
    expect(compare.statusCode).toBe(200);
    expect(compare.json()).toEqual({
      a: before.surveyId,
      b: after.surveyId,
      usersInBoth: 40,
      bits: [
        { bit: 0, usersA: 20, usersB: 30, conversationsA: 20, conversationsB: 30, gained: 10, lost: 0 },
        { bit: 1, usersA: 20, usersB: 10, conversationsA: 20, conversationsB: 10, gained: 0, lost: 10 },
        { bit: 3, usersA: 0, usersB: 2, conversationsA: 0, conversationsB: 2, gained: 2, lost: 0 },
      ],
    });

    const third = await createSurvey(bff, { users });
    const cancelled = await bff.inject({ method: 'POST', url: `/api/surveys/${third.surveyId}/cancel`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('viewer') } });
    if (cancelled.statusCode === 200) {
      expect(cancelled.json<{ state: string }>().state).toBe('cancelled');
      const notComparable = await bff.inject({ method: 'GET', url: `/api/surveys/compare?a=${before.surveyId}&b=${third.surveyId}`, headers: { cookie: await bff.signIn('viewer') } });
      expect(notComparable.statusCode).toBe(409);
    }
  });

  it('refuses bad input with a sentence', async () => {
    const cookie = await bff.signIn('viewer');
    const empty = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { users: [] } });
    expect(empty.statusCode).toBe(400);
    const nobodySaid = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { includeRecent: true } });
    expect(nobodySaid.statusCode).toBe(400);
    expect(nobodySaid.body).toContain('Say who to survey with exactly one of: users, jobId, or auditFrom and auditTo.');
    const halfRange = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { auditFrom: '2026-11-01T00:00:00Z' } });
    expect(halfRange.body).toContain('Give both auditFrom and auditTo.');
    const noJob = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { jobId: 'nope' } });
    expect(noJob.statusCode).toBe(404);
    expect(noJob.json<{ error: { message: string } }>().error.message).toBe('There is no such bulk job.');
    const nobody = await bff.inject({
      method: 'POST',
      url: '/api/surveys',
      headers: { ...bff.writeHeaders, cookie },
      payload: { auditFrom: '2001-01-01T00:00:00Z', auditTo: '2001-01-02T00:00:00Z' },
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.body).toContain('There are no Chat users to survey.');
  });
});

describe('a survey of 100,000 users', () => {
  it('is accepted as one request (over the usual body limit) and one more user is refused', { timeout: 60_000 }, async () => {
    const cookie = await bff.signIn('viewer');
    const users = Array.from({ length: 100_001 }, (_, i) => `bulk.survey.user.${String(i).padStart(6, '0')}`);
    const tooMany = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { users } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain('A survey reads at most 100,000 users.');
    const accepted = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie }, payload: { users: users.slice(1) } });
    expect(accepted.statusCode).toBe(201);
    const { surveyId } = accepted.json<{ surveyId: string; users: number }>();
    expect(accepted.json()).toMatchObject({ state: 'running', users: 100_000 });
    const cancelled = await bff.inject({ method: 'POST', url: `/api/surveys/${surveyId}/cancel`, headers: { ...bff.writeHeaders, cookie } });
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', users: 100_000 });
  });
});

function expectOkMark(answer: Record<string, unknown>): void {
  expect(answer.ErrorCode).toBe(0);
  expect((answer.ResultItem as { ResultCode: number }[]).every((item) => item.ResultCode === 0)).toBe(true);
}
