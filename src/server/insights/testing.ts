// Test support for Insights: surveys through the HTTP API, and marks written straight into the
// emulator (not through the BFF) so a test knows exactly what Chat holds.
import type { SurveyCreatedResponse, SurveyState, SurveyStatus } from '../../shared/api/insights';
import type { TestBff } from '../testing/bff-harness';
import { expectOk } from '../../emulator/test-support';

export type PlannedMark = { type: 'c2c' | 'group'; id: string; bits: number[]; customMark: string };

/** Writes each user's marks into the emulator with mark_contact (≤100 items per call). */
export async function writeMarks(bff: Pick<TestBff, 'tencent' | 'importUsers'>, marks: ReadonlyMap<string, readonly PlannedMark[]>): Promise<void> {
  const users = [...marks.keys()];
  for (let i = 0; i < users.length; i += 100) await bff.importUsers(...users.slice(i, i + 100));
  for (const [user, items] of marks) {
    for (let i = 0; i < items.length; i += 100) {
      // A conversation with no bits and no custom mark is not kept by Chat: nothing to write.
      const MarkItem = items
        .slice(i, i + 100)
        .filter((mark) => mark.bits.length > 0 || mark.customMark !== '')
        .map((mark) => ({
          OptType: mark.bits.length === 0 ? 2 : mark.customMark === '' ? 1 : 3,
          ContactItem: mark.type === 'c2c' ? { Type: 1, To_Account: mark.id } : { Type: 2, ToGroupId: mark.id },
          ...(mark.bits.length > 0 ? { SetMark: mark.bits } : {}),
          ...(mark.customMark !== '' ? { CustomMark: mark.customMark } : {}),
        }));
      if (MarkItem.length === 0) continue;
      const answer = expectOk(await bff.tencent('recentcontact/mark_contact', { From_Account: user, MarkItem }));
      const failed = (answer.ResultItem as { ResultCode: number }[]).filter((item) => item.ResultCode !== 0);
      if (failed.length > 0) throw new Error(`mark_contact refused ${failed.length} items for ${user}`);
    }
  }
}

export async function createSurvey(bff: TestBff, body: object, role: 'viewer' | 'editor' = 'viewer'): Promise<SurveyCreatedResponse> {
  const response = await bff.inject({ method: 'POST', url: '/api/surveys', headers: { ...bff.writeHeaders, cookie: await bff.signIn(role) }, payload: body });
  if (response.statusCode !== 201) throw new Error(`survey not created: ${response.statusCode} ${response.body}`);
  return response.json<SurveyCreatedResponse>();
}

export async function surveyStatus(bff: TestBff, id: string): Promise<SurveyStatus> {
  const response = await bff.inject({ method: 'GET', url: `/api/surveys/${id}`, headers: { cookie: await bff.signIn('viewer') } });
  if (response.statusCode !== 200) throw new Error(`status failed: ${response.statusCode} ${response.body}`);
  return response.json<SurveyStatus>();
}

export async function waitForSurvey(bff: TestBff, id: string, states: readonly SurveyState[] = ['done'], timeoutMs = 30_000): Promise<SurveyStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await surveyStatus(bff, id);
    if (states.includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`survey ${id} still ${status.state}: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates groups grp-0 … (owned by `owner`), so that group conversations can be marked. */
export async function createGroups(bff: Pick<TestBff, 'tencent' | 'importUsers'>, count: number, owner = 'group.owner'): Promise<void> {
  await bff.importUsers(owner);
  for (let n = 0; n < count; n++) {
    expectOk(await bff.tencent('group_open_http_svc/create_group', { Type: 'Public', Name: `Group ${n}`, GroupId: `grp-${n}`, Owner_Account: owner }));
  }
}
