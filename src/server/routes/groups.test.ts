// Conversation groups through HTTP against the emulator: listing, create/rename/delete, adding and
// removing conversations, Tencent's limits worded for a support agent, every change audited in the
// chain and undone through POST /api/audit/:id/revert.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HEAVY_USER } from '../../emulator/demo/demo-data';
import { expectOk } from '../../emulator/test-support';
import type { ConversationsResponse } from '../../shared/api/chat-users';
import type { GroupAuditEntry, GroupsResponse } from '../../shared/api/groups';
import { verifyAuditChain } from '../store/audit-verify';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let editor: string;
let viewer: string;

const c2c = (id: string) => ({ type: 'c2c' as const, id });

function send(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, cookie = editor): Promise<LightMyRequestResponse> {
  return bff.inject({
    method,
    url,
    headers: { ...bff.writeHeaders, cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

const base = (user: string) => `/api/chat-users/${encodeURIComponent(user)}/groups`;

function changeOf(response: LightMyRequestResponse): GroupAuditEntry {
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { change: GroupAuditEntry }).change;
}

async function groupsOf(user: string): Promise<GroupsResponse['groups']> {
  const response = await bff.inject({ method: 'GET', url: base(user), headers: { cookie: viewer } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as GroupsResponse).groups;
}

/** Chat's own view, read with Tencent's API. */
async function chatGroups(user: string): Promise<{ GroupName: string; GroupId: number }[]> {
  return expectOk(await bff.tencent('recentcontact/get_contact_group', { From_Account: user, StartIndex: 0 })).GroupItem as { GroupName: string; GroupId: number }[];
}

async function create(user: string, name: string, ids: string[]): Promise<GroupAuditEntry> {
  return changeOf(await send('POST', base(user), { name, conversations: ids.map(c2c) }));
}

const undo = (id: string) => send('POST', `/api/audit/${id}/revert`);

beforeAll(async () => {
  bff = await startTestBff({ emulator: { rateLimits: false } });
  editor = await bff.signIn('editor');
  viewer = await bff.signIn('viewer');
  await bff.importUsers('gina', 'limits', 'undoer', 'p1', 'p2', 'p3');
});
afterAll(() => bff.close());

describe('creating, renaming, deleting', () => {
  it('creates a group with conversations, lists it with its count, and shows it on the conversations', async () => {
    const change = await create('gina', 'VIP', ['p1', 'p2']);
    expect(change).toMatchObject({ kind: 'group', action: 'create', status: 'applied', group: { id: null, name: 'VIP' }, changed: [c2c('p1'), c2c('p2')], failed: [] });
    const groups = await groupsOf('gina');
    expect(groups).toEqual([{ id: expect.any(Number), name: 'VIP', conversationCount: 2 }]);
    const list = await bff.inject({ method: 'GET', url: '/api/chat-users/gina/conversations', headers: { cookie: viewer } });
    const p1 = (list.json() as ConversationsResponse).conversations.find((entry) => entry.conversation.id === 'p1');
    expect(p1).toMatchObject({ groupIds: [groups[0]!.id], groupNames: ['VIP'] });
  });

  it('refuses a name the user already has, with a sentence, and sends nothing', async () => {
    await bff.clearEmulatorStats();
    const change = await create('gina', 'VIP', ['p3']);
    expect(change).toMatchObject({ status: 'failed', problem: 'GROUP_NAME_TAKEN', message: expect.stringContaining('already has a conversation group with that name') });
    expect((await bff.emulatorStats()).commands['recentcontact/create_contact_group']).toBeUndefined();
  });

  it('refuses a name over 32 bytes (a Korean character is 3) and an empty one with 400, accepting exactly 32', async () => {
    const tooLong = await send('POST', base('gina'), { name: '가'.repeat(11), conversations: [c2c('p1')] });
    expect(tooLong.statusCode).toBe(400);
    expect(JSON.stringify(tooLong.json())).toContain('33 bytes');
    expect((await send('POST', base('gina'), { name: ' ', conversations: [c2c('p1')] })).statusCode).toBe(400);
    expect((await send('POST', base('gina'), { name: 'No one', conversations: [] })).statusCode).toBe(400);
    expect(await create('gina', `${'가'.repeat(10)}ab`, ['p3'])).toMatchObject({ status: 'applied' });
  });

  it('renames by id, refuses a taken name, answers conflict when someone renamed it first, unchanged for the same name', async () => {
    const vip = (await groupsOf('gina')).find((group) => group.name === 'VIP')!;
    expect(changeOf(await send('PATCH', `${base('gina')}/${vip.id}`, { name: 'VIP customers', expectedName: 'VIP' }))).toMatchObject({
      action: 'rename',
      status: 'applied',
      group: { id: vip.id, name: 'VIP' },
      newName: 'VIP customers',
    });
    expect((await chatGroups('gina')).map((group) => group.GroupName)).toContain('VIP customers');
    expect(changeOf(await send('PATCH', `${base('gina')}/${vip.id}`, { name: 'Other', expectedName: 'VIP' }))).toMatchObject({ status: 'conflict', problem: 'GROUP_CHANGED' });
    expect(changeOf(await send('PATCH', `${base('gina')}/${vip.id}`, { name: 'VIP customers' }))).toMatchObject({ status: 'unchanged' });
    expect(changeOf(await send('PATCH', `${base('gina')}/${vip.id}`, { name: `${'가'.repeat(10)}ab` }))).toMatchObject({ status: 'failed', problem: 'GROUP_NAME_TAKEN' });
  });

  it('answers 404 for a group id the user does not have', async () => {
    const response = await send('PATCH', `${base('gina')}/999`, { name: 'X' });
    expect(response.statusCode).toBe(404);
    expect((response.json() as { error: { message: string } }).error.message).toContain('no longer exists');
    expect((await send('DELETE', `${base('gina')}/999`)).statusCode).toBe(404);
  });

  it('deletes a group, keeping its conversations in the entry', async () => {
    const korean = (await groupsOf('gina')).find((group) => group.name.startsWith('가'))!;
    const change = changeOf(await send('DELETE', `${base('gina')}/${korean.id}`));
    expect(change).toMatchObject({ action: 'delete', status: 'applied', changed: [c2c('p3')] });
    expect((await chatGroups('gina')).some((group) => group.GroupId === korean.id)).toBe(false);
  });

  it('lets a viewer read but not change groups', async () => {
    expect((await send('POST', base('gina'), { name: 'Nope', conversations: [c2c('p1')] }, viewer)).statusCode).toBe(403);
  });
});

describe('adding and removing conversations', () => {
  it('adds and removes in one request, one entry each; conversations already so are unchanged', async () => {
    const vip = (await groupsOf('gina')).find((group) => group.name === 'VIP customers')!;
    const response = await send('POST', `${base('gina')}/${vip.id}/conversations`, { add: [c2c('p1'), c2c('p3')], remove: [c2c('p2')] });
    expect(response.statusCode, response.body).toBe(200);
    const { changes } = response.json() as { changes: GroupAuditEntry[] };
    expect(changes).toMatchObject([
      { action: 'add', status: 'applied', conversations: [c2c('p1'), c2c('p3')], changed: [c2c('p3')] },
      { action: 'remove', status: 'applied', changed: [c2c('p2')] },
    ]);
    const again = await send('POST', `${base('gina')}/${vip.id}/conversations`, { add: [c2c('p1')] });
    expect((again.json() as { changes: GroupAuditEntry[] }).changes).toMatchObject([{ action: 'add', status: 'unchanged', changed: [] }]);
  });

  it('refuses a conversation both added and removed, and a request that changes nothing', async () => {
    expect((await send('POST', `${base('gina')}/1/conversations`, { add: [c2c('p1')], remove: [c2c('p1')] })).statusCode).toBe(400);
    expect((await send('POST', `${base('gina')}/1/conversations`, {})).statusCode).toBe(400);
  });
});

describe("Tencent's limits", () => {
  it('refuses a 21st group with the sentence, before sending', async () => {
    for (let n = 1; n <= 20; n++) await create('limits', `g${n}`, ['p1']);
    const change = await create('limits', 'g21', ['p1']);
    expect(change).toMatchObject({ status: 'failed', problem: 'GROUP_LIMIT_REACHED', message: expect.stringContaining('20 conversation groups') });
    expect((await chatGroups('limits')).length).toBe(20);
  });

  it('reports a group chat that does not exist per conversation (51007) and still creates the group', async () => {
    const response = await send('POST', base('undoer'), { name: 'Mixed', conversations: [c2c('p1'), { type: 'group', id: '@TGS#1NOSUCHGRP' }] });
    const change = changeOf(response);
    expect(change).toMatchObject({ status: 'applied', changed: [c2c('p1')], failed: [{ conversation: { type: 'group', id: '@TGS#1NOSUCHGRP' }, problem: 'CHAT_GROUP_DISMISSED', upstreamCode: 51007 }] });
  });
});

describe('audit and Undo', () => {
  it('lists the changes newest first, in a chain that still verifies', async () => {
    const response = await bff.inject({ method: 'GET', url: `${base('gina')}/changes?limit=3`, headers: { cookie: viewer } });
    expect(response.statusCode, response.body).toBe(200);
    const { entries, nextCursor } = response.json() as { entries: GroupAuditEntry[]; nextCursor: string | null };
    // The unchanged add, then the remove and the add of the one request before it.
    expect(entries.map((entry) => [entry.action, entry.status])).toEqual([
      ['add', 'unchanged'],
      ['remove', 'applied'],
      ['add', 'applied'],
    ]);
    expect(entries[0]).toMatchObject({ action: 'add', status: 'unchanged', staff: 'editor', chatUser: 'gina' });
    expect(nextCursor).not.toBeNull();
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
    // Mark history does not show group changes.
    const marks = await bff.inject({ method: 'GET', url: '/api/audit?chatUser=gina', headers: { cookie: viewer } });
    expect((marks.json() as { entries: unknown[] }).entries).toEqual([]);
  });

  it('undoes an add, then refuses a second Undo', async () => {
    const created = await create('undoer', 'Undo me', ['p1']);
    const groupId = (await groupsOf('undoer')).find((group) => group.name === 'Undo me')!.id;
    const added = (await send('POST', `${base('undoer')}/${groupId}/conversations`, { add: [c2c('p2')] })).json() as { changes: GroupAuditEntry[] };
    const undone = await undo(added.changes[0]!.id);
    expect(undone.statusCode, undone.body).toBe(201);
    expect(undone.json()).toMatchObject({ kind: 'group', action: 'remove', status: 'applied', changed: [c2c('p2')], revertOf: added.changes[0]!.id });
    expect((await groupsOf('undoer')).find((group) => group.id === groupId)?.conversationCount).toBe(1);
    const twice = await undo(added.changes[0]!.id);
    expect(twice.statusCode).toBe(409);
    expect((twice.json() as { error: { message: string } }).error.message).toContain('already been undone');
    expect(created.status).toBe('applied');
  });

  it('undoes a rename, and refuses to undo a create after the group was given other conversations', async () => {
    const groupId = (await groupsOf('undoer')).find((group) => group.name === 'Undo me')!.id;
    const renamed = changeOf(await send('PATCH', `${base('undoer')}/${groupId}`, { name: 'Renamed' }));
    expect((await undo(renamed.id)).statusCode).toBe(201);
    expect((await chatGroups('undoer')).find((group) => group.GroupId === groupId)?.GroupName).toBe('Undo me');

    const made = await create('undoer', 'Grows', ['p1']);
    const grows = (await groupsOf('undoer')).find((group) => group.name === 'Grows')!.id;
    await send('POST', `${base('undoer')}/${grows}/conversations`, { add: [c2c('p3')] });
    const refused = await undo(made.id);
    expect(refused.statusCode).toBe(409);
    expect((await chatGroups('undoer')).some((group) => group.GroupId === grows)).toBe(true);
  });

  it('undoes a delete by creating the group again with its conversations', async () => {
    const groupId = (await groupsOf('undoer')).find((group) => group.name === 'Grows')!.id;
    const deleted = changeOf(await send('DELETE', `${base('undoer')}/${groupId}`, { reason: 'ticket #4411' }));
    expect(deleted).toMatchObject({ status: 'applied', reason: 'ticket #4411', changed: [c2c('p1'), c2c('p3')] });
    const undone = await undo(deleted.id);
    expect(undone.statusCode, undone.body).toBe(201);
    expect(undone.json()).toMatchObject({ action: 'create', status: 'applied', group: { name: 'Grows' } });
    expect((await groupsOf('undoer')).find((group) => group.name === 'Grows')).toMatchObject({ conversationCount: 2 });
  });
});

describe('the demo data', () => {
  it('gives heavy.user the groups VIP and Escalations', async () => {
    const demo = await (await import('../testing/bff-harness')).startTestBff({ emulator: { demoData: true } });
    try {
      const response = await demo.inject({ method: 'GET', url: base(DEMO_HEAVY_USER), headers: { cookie: await demo.signIn('viewer') } });
      const names = (response.json() as GroupsResponse).groups.map((group) => group.name);
      expect(names).toEqual(expect.arrayContaining(['VIP', 'Escalations']));
      expect((response.json() as GroupsResponse).groups.find((group) => group.name === 'VIP')?.conversationCount).toBe(40);
    } finally {
      await demo.close();
    }
  });
});
