// Two staff members changing one Chat user's conversation groups at the same moment, through the
// HTTP API against the emulator. A gate holds the first writer's group call open, so the second
// arrives while the first is mid-write — every time, without sleeps — and neither change is lost.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { GroupAuditEntry } from '../../shared/api/groups';
import type { ChatCommand } from '../chat/commands';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { createGate } from '../testing/gate';
import { chatUserLocks } from './chat-user-locks';

const ROUNDS = 10;
const GROUP_WRITES = new Set<ChatCommand>(['recentcontact/create_contact_group', 'recentcontact/update_contact_group', 'recentcontact/del_contact_group']);
let bff: TestBff;
let editor: string;
let otherEditor: string;

beforeAll(async () => {
  bff = await startTestBff({ emulator: { rateLimits: false } });
  await bff.addStaff('editor2', 'editor');
  editor = await bff.signIn('editor');
  otherEditor = await bff.sessionCookie('editor2');
  await bff.importUsers('rita', ...Array.from({ length: 2 * ROUNDS + 1 }, (_, n) => `c${n}`));
});
afterAll(() => bff.close());
afterEach(() => {
  delete bff.chatHooks.beforeCall;
});

const post = (cookie: string, method: 'POST' | 'PATCH', url: string, payload: unknown): Promise<LightMyRequestResponse> =>
  bff.inject({ method, url, headers: { ...bff.writeHeaders, cookie, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

/** Starts `first`, holds its group write, starts `second` and waits until it queues for the user's lock (or reaches Chat). */
async function race(first: () => Promise<LightMyRequestResponse>, second: () => Promise<LightMyRequestResponse>) {
  const held = createGate();
  const later = createGate();
  later.release();
  let isFirst = true;
  bff.chatHooks.beforeCall = async (command) => {
    if (!GROUP_WRITES.has(command)) return;
    if (isFirst) {
      isFirst = false;
      await held.pass();
    } else await later.pass();
  };
  const a = first();
  await held.arrived();
  const b = second();
  await Promise.race([chatUserLocks(bff.store).whenWaiting('rita'), later.arrived()]);
  // Serialised: the second writer is waiting for the lock, not talking to Chat.
  expect(later.arrivals).toBe(0);
  held.release();
  return Promise.all([a, b]);
}

async function chatState(): Promise<{ groups: { GroupName: string; GroupId: number }[]; members: Map<string, number[]> }> {
  const response = expectOk(await bff.tencent('recentcontact/get_contact_group', { From_Account: 'rita', StartIndex: 0 }));
  const members = new Map<string, number[]>();
  for (const item of response.ContactItem as { To_Account: string; ContactGroupId?: number[] }[]) members.set(item.To_Account, item.ContactGroupId ?? []);
  return { groups: response.GroupItem as { GroupName: string; GroupId: number }[], members };
}

let groupId = 0;
beforeAll(async () => {
  const created = await post(editor, 'POST', '/api/chat-users/rita/groups', { name: 'Round 0', conversations: [{ type: 'c2c', id: 'c0' }] });
  expect(created.statusCode, created.body).toBe(200);
  groupId = (await chatState()).groups[0]!.GroupId;
});

describe('two staff changing one group at once', () => {
  it('a rename and an add both land: the add follows the group by id, not by its old name', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const [renamed, added] = await race(
        () => post(editor, 'PATCH', `/api/chat-users/rita/groups/${groupId}`, { name: `Round ${round}` }),
        () => post(otherEditor, 'POST', `/api/chat-users/rita/groups/${groupId}/conversations`, { add: [{ type: 'c2c', id: `c${round}` }] }),
      );
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect((renamed.json() as { change: GroupAuditEntry }).change.status).toBe('applied');
      expect((added.json() as { changes: GroupAuditEntry[] }).changes[0]).toMatchObject({ status: 'applied', group: { name: `Round ${round}` } });
      const state = await chatState();
      expect(state.groups).toEqual([{ GroupName: `Round ${round}`, GroupId: groupId }]);
      expect(state.members.get(`c${round}`), `round ${round}`).toEqual([groupId]);
    }
  });

  it('an add and a remove of other conversations both land', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const one = `c${ROUNDS + round}`;
      const [first, second] = await race(
        () => post(editor, 'POST', `/api/chat-users/rita/groups/${groupId}/conversations`, { add: [{ type: 'c2c', id: one }] }),
        () => post(otherEditor, 'POST', `/api/chat-users/rita/groups/${groupId}/conversations`, { remove: [{ type: 'c2c', id: `c${round}` }] }),
      );
      expect([first, second].map((r) => (r.json() as { changes: GroupAuditEntry[] }).changes[0]!.status)).toEqual(['applied', 'applied']);
      const state = await chatState();
      expect(state.members.get(one)).toEqual([groupId]);
      expect(state.members.get(`c${round}`)).toBeUndefined();
    }
  });

  it('two renames that each saw the same name: one applies, the other is a conflict, never silently overwritten', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const seen = (await chatState()).groups[0]!.GroupName;
      const [a, b] = await race(
        () => post(editor, 'PATCH', `/api/chat-users/rita/groups/${groupId}`, { name: `A${round}`, expectedName: seen }),
        () => post(otherEditor, 'PATCH', `/api/chat-users/rita/groups/${groupId}`, { name: `B${round}`, expectedName: seen }),
      );
      const changes = [a, b].map((r) => (r.json() as { change: GroupAuditEntry }).change);
      expect(changes.map((c) => c.status)).toEqual(['applied', 'conflict']);
      expect(changes[1]).toMatchObject({ problem: 'GROUP_CHANGED' });
      expect((await chatState()).groups[0]!.GroupName).toBe(`A${round}`);
    }
  });
});
