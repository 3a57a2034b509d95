// A survey survives the BFF being killed (SIGKILL) in the middle of it: a second BFF on the same
// data directory goes on from the users already recorded and finishes; the results count every
// user once; and nothing but reads reached Chat (the emulator's call counters).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { EmulatorStats } from '../../emulator/stats';
import { chatCaller, expectOk, importAccounts } from '../../emulator/test-support';
import type { SurveyCreatedResponse, SurveyStatus } from '../../shared/api/insights';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { childApi, childEnv, prepareChildDataDir, signInChild, startChildBff } from '../testing/child-bff';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a survey and a crashing BFF', () => {
  it('finishes after SIGKILL and a restart, every user counted once, nothing written upstream', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-survey-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const emulator = await startEmulator({ dbFile: join(dir, 'chat.sqlite'), demoData: false, faults: true, latencyMs: 5 });
    cleanups.push(() => emulator.close());
    const tencent = chatCaller(emulator);
    const users = Array.from({ length: 200 }, (_, i) => `survey.crash.${i}`);
    await importAccounts(tencent, users);
    // User i marks (i % 5) conversations as favourite: 40 users each with 0, 1, 2, 3 and 4.
    for (const [i, user] of users.entries()) {
      if (i % 5 === 0) continue;
      const MarkItem = Array.from({ length: i % 5 }, (_, n) => ({ OptType: 1, ContactItem: { Type: 1, To_Account: `peer.${n}` }, SetMark: [0] }));
      expectOk(await tencent('recentcontact/mark_contact', { From_Account: user, MarkItem }));
    }
    const stats = async () => (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as EmulatorStats;
    await fetch(`${emulator.url}/__emulator/stats`, { method: 'DELETE' });

    const dataDir = join(dir, 'data');
    await prepareChildDataDir(dataDir);
    const env = childEnv(emulator, dataDir, emulator.url, { CHAT_RATE_LIMIT_PER_SECOND: '20' });
    const first = await startChildBff(env, dir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    let session = await signInChild(first);
    const created = await childApi<SurveyCreatedResponse>(first, session, 'POST', '/api/surveys', { users });
    expect(created).toMatchObject({ state: 'running', users: 200 });
    for (let status = await childApi<SurveyStatus>(first, session, 'GET', `/api/surveys/${created.surveyId}`); status.done < 40; ) {
      if (status.state !== 'running') throw new Error(`the survey ended before the kill: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await childApi<SurveyStatus>(first, session, 'GET', `/api/surveys/${created.surveyId}`);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const afterCrash = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    const counts = await afterCrash.read
      .selectFrom('survey_users')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .where('survey_id', '=', created.surveyId)
      .groupBy('state')
      .execute();
    const survey = await afterCrash.read.selectFrom('surveys').select(['state', 'done']).where('id', '=', created.surveyId).executeTakeFirstOrThrow();
    await afterCrash.close();
    const read = counts.find((row) => row.state === 'read')?.n ?? 0;
    expect(survey.state).toBe('running');
    expect(read).toBeGreaterThanOrEqual(40);
    expect(read).toBeLessThan(200);
    expect(survey.done).toBe(read);

    const second = await startChildBff(env, dir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    session = await signInChild(second);
    let final: SurveyStatus;
    const deadline = Date.now() + 60_000;
    for (;;) {
      final = await childApi<SurveyStatus>(second, session, 'GET', `/api/surveys/${created.surveyId}`);
      if (final.state !== 'running' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(final).toMatchObject({ state: 'done', users: 200, done: 200, failed: 0 });
    expect(final.results).toMatchObject({
      usersRead: 200,
      usersWithMarks: 160,
      conversations: 40 * (1 + 2 + 3 + 4),
      usersWithBit: { '0': 160 },
      conversationsWithBit: { '0': 400 },
      c2c: { users: 160, conversations: 400 },
      group: { users: 0, conversations: 0 },
    });
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    // Reads only: one get_contact_group per user, plus the few whose answers the kill swallowed
    // (and the readiness probe's account_check, also a read).
    const upstream = await stats();
    const reading = new Set(['recentcontact/get_contact_group', 'im_open_login_svc/account_check']);
    expect(Object.keys(upstream.commands).filter((command) => !reading.has(command))).toEqual([]);
    const reads = upstream.commands['recentcontact/get_contact_group']!.calls;
    expect(reads).toBeGreaterThanOrEqual(200);
    expect(reads).toBeLessThanOrEqual(200 + 16 + 250);
  });
});
