// Interactive audit entries a crash left 'unknown' are read back from Chat and settled: applied
// (then undoable) or not applied, with a follow-up entry each — in-process, and after a real
// SIGKILL in the middle of a 300-item save.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import { chatCaller, expectOk, importAccounts } from '../../emulator/test-support';
import type { AuditEntry, AuditListResponse } from '../../shared/api/audit';
import { heldBefore, holdBefore, recordIntents } from '../store/audit';
import { getAuditEntry, queryAudit } from '../store/audit-query';
import { verifyAuditChain } from '../store/audit-verify';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { childApi, childEnv, prepareChildDataDir, recordingProxy, signInChild, startChildBff } from '../testing/child-bff';
import { ChatNetworkError } from '../chat/errors';
import type { ChatClient } from '../chat/client';
import type { ChatCommand } from '../chat/commands';
import { UNDECIDED_MESSAGE, writeMarks } from './mark-writer';
import { createGroup, listGroups, renameGroup } from './group-writer';
import { LANDED_MESSAGE, NOT_LANDED_MESSAGE, SHOWN_MESSAGE, reconcileUnknownEntries } from './reconcile';

describe('reconcileUnknownEntries', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff();
    await bff.importUsers('rec.alice', 'rec.ghost');
  });
  afterAll(() => bff.close());

  const intent = (chatUser: string, id: string, customMark: string) => ({
    staff: 'editor',
    chatUser,
    conversation: { type: 'c2c' as const, id },
    requested: { setBits: [0], clearBits: [], customMark },
    before: { bits: [], customMark: '' },
    requestId: `req-${id}`,
    reason: 'ticket 7',
  });

  /**
   * Chat as the BFF's client sees it when the link drops: `write` reaches Chat but its answer is
   * lost, and every `read` after the first fails.
   */
  const losingAnswers = (write: ChatCommand, read: ChatCommand): Pick<ChatClient, 'call'> => {
    let reads = 0;
    return {
      call: (async (command: ChatCommand, body: never, options?: never) => {
        if (command === read && ++reads > 1) throw new ChatNetworkError(command, 'ECONNRESET', true);
        const answer = await bff.chat.call(command, body, options);
        if (command === write) throw new ChatNetworkError(command, 'ECONNRESET', true);
        return answer;
      }) as ChatClient['call'],
    };
  };

  it('leaves a save whose answer was lost and whose state could not be read back unknown, for reconcile to settle', async () => {
    await bff.importUsers('rec.carol');
    // Chat takes the write but its answer is lost; the read back fails as well (the link is down).
    const chat = losingAnswers('recentcontact/mark_contact', 'recentcontact/search_contact_group');
    const results = await writeMarks(
      { store: bff.store, chat, clock: bff.clock },
      { staff: 'editor', chatUser: 'rec.carol', requestId: 'req-lost' },
      [{ conversation: { type: 'c2c', id: 'p9' }, change: { setBits: [0], clearBits: [] } }],
      (error) => {
        throw error;
      },
    );
    expect(results).toMatchObject([{ status: 'failed', code: 'UPSTREAM_UNREACHABLE', message: UNDECIDED_MESSAGE, before: { bits: [] } }]);
    const entryId = results[0]!.auditId;
    expect((await getAuditEntry(bff.store.read, entryId))?.status).toBe('unknown');
    expect(await heldBefore(bff.store.read, entryId)).toEqual({ bits: [], customMark: '' });

    // The next run of reconcile reads Chat, finds the change there, and settles it as applied.
    expect(await reconcileUnknownEntries(bff)).toMatchObject({ applied: 1, left: 0 });
    expect(await getAuditEntry(bff.store.read, entryId)).toMatchObject({ status: 'applied', before: { bits: [] }, after: { bits: [0] } });
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });

  it('leaves a group rename whose answer was lost, and which Chat could not be asked about, unknown for reconcile', async () => {
    await bff.importUsers('rec.dave');
    const context = { staff: 'editor', chatUser: 'rec.dave', requestId: 'req-group-lost' };
    const created = await createGroup(bff, context, 'Refunds', [{ type: 'c2c', id: 'p1' }]);
    if (created.status !== 'done' || created.entry.status !== 'applied') throw new Error('the group was not created');
    const groupId = (await listGroups(bff, 'rec.dave')).find((group) => group.name === 'Refunds')!.id;
    // The rename reads the list once before writing; the read after the lost answer fails.
    const chat = losingAnswers('recentcontact/update_contact_group', 'recentcontact/get_contact_group');
    const renamed = await renameGroup({ store: bff.store, chat, clock: bff.clock }, context, groupId, 'Refunds 2026');
    expect(renamed).toMatchObject({ status: 'done', entry: { status: 'unknown' } });

    // The next run of reconcile reads Chat and finds the group renamed.
    expect(await reconcileUnknownEntries(bff)).toMatchObject({ applied: 1, left: 0 });
    expect((await listGroups(bff, 'rec.dave')).map((group) => group.name)).toEqual(['Refunds 2026']);
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });

  it('settles each entry from what Chat shows; an applied one can then be undone', async () => {
    const [landedId, lostId] = await recordIntents(bff.store, [intent('rec.alice', 'p1', 'x'), intent('rec.alice', 'p2', 'y')], bff.clock);
    // The first write reached Chat before "the crash"; the second never did.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'rec.alice',
        MarkItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'p1' }, SetMark: [0], CustomMark: 'x' }],
      }),
    );
    expect((await getAuditEntry(bff.store.read, landedId!))?.status).toBe('unknown');

    expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 1, notApplied: 1, left: 0 });
    expect((await getAuditEntry(bff.store.read, landedId!))).toMatchObject({ status: 'applied', after: { bits: [0], customMark: 'x' }, message: LANDED_MESSAGE });
    expect((await getAuditEntry(bff.store.read, lostId!))).toMatchObject({ status: 'failed', after: { bits: [], customMark: '' }, message: NOT_LANDED_MESSAGE });
    expect((await queryAudit(bff.store.read, { status: 'unknown', limit: 10 })).entries).toEqual([]);

    const editor = await bff.signIn('editor');
    const undo = await bff.inject({ method: 'POST', url: `/api/audit/${landedId}/revert`, headers: { ...bff.writeHeaders, cookie: editor } });
    expect(undo.statusCode, undo.body).toBe(201);
    // Nothing is left to settle, and a second run changes nothing.
    expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 0, notApplied: 0, left: 0 });
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });

  it('leaves entries for later while Chat cannot be read, and settles those of a user Chat does not know', async () => {
    const [waiting] = await recordIntents(bff.store, [intent('rec.alice', 'p3', 'z')], bff.clock);
    const [unknownUser] = await recordIntents(bff.store, [intent('rec.nobody', 'p4', 'z')], bff.clock);
    bff.chatHooks.beforeCall = (command) => {
      if (command === 'recentcontact/search_contact_group') return bff.setFaults({ errorRate: { 50004: 1 } });
    };
    try {
      expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 0, notApplied: 0, left: 2 });
      expect((await getAuditEntry(bff.store.read, waiting!))?.status).toBe('unknown');
    } finally {
      delete bff.chatHooks.beforeCall;
      await bff.setFaults({});
    }
    expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 0, notApplied: 2, left: 0 });
    expect((await getAuditEntry(bff.store.read, waiting!))?.status).toBe('failed');
    expect((await getAuditEntry(bff.store.read, unknownUser!))?.status).toBe('failed');
  });
});

describe('an intent recorded while its state was still being read', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff();
    await bff.importUsers('held.alice');
  });
  afterAll(() => bff.close());

  const editor = { staff: 'editor', chatUser: 'held.alice', requested: { setBits: [33], clearBits: [] }, before: null, requestId: 'req-held' };
  const setBit33 = (id: string) =>
    bff.tencent('recentcontact/mark_contact', { From_Account: 'held.alice', MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: id }, SetMark: [33] }] });

  it('takes `before` from the state kept beside it, so the entry can be undone', async () => {
    const [id] = await recordIntents(bff.store, [{ ...editor, conversation: { type: 'c2c', id: 'k1' } }], bff.clock);
    await holdBefore(bff.store, [{ entryId: id!, before: { bits: [], customMark: '' } }]);
    expectOk(await setBit33('k1'));
    expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 1, notApplied: 0, left: 0 });
    expect((await getAuditEntry(bff.store.read, id!))).toMatchObject({ status: 'applied', before: { bits: [] }, after: { bits: [33] }, message: LANDED_MESSAGE });
    expect((await heldBefore(bff.store.read, id!))).toBeNull();
    const undo = await bff.inject({ method: 'POST', url: `/api/audit/${id}/revert`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('editor') } });
    expect(undo.statusCode, undo.body).toBe(201);
  });

  it('without it, settles from what Chat shows and does not offer Undo', async () => {
    const [shown, absent] = await recordIntents(
      bff.store,
      [
        { ...editor, conversation: { type: 'c2c', id: 'k2' } },
        { ...editor, conversation: { type: 'c2c', id: 'k3' } },
      ],
      bff.clock,
    );
    expectOk(await setBit33('k2'));
    expect(await reconcileUnknownEntries(bff)).toEqual({ applied: 1, notApplied: 1, left: 0 });
    expect((await getAuditEntry(bff.store.read, shown!))).toMatchObject({ status: 'applied', before: null, after: { bits: [33] }, message: SHOWN_MESSAGE });
    expect((await getAuditEntry(bff.store.read, absent!))).toMatchObject({ status: 'failed', before: null, after: { bits: [] }, message: NOT_LANDED_MESSAGE });
    const undo = await bff.inject({ method: 'POST', url: `/api/audit/${shown}/revert`, headers: { ...bff.writeHeaders, cookie: await bff.signIn('editor') } });
    expect(undo.statusCode).toBe(409);
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });
});

describe('a save interrupted by SIGKILL', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is settled at the next start: the 100 items Chat took are applied and undoable, the other 200 not applied', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-save-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const emulator = await startEmulator({ dbFile: join(dir, 'chat.sqlite'), demoData: false });
    cleanups.push(() => emulator.close());
    const proxy = await recordingProxy(emulator.url);
    cleanups.push(() => proxy.close());
    await importAccounts(chatCaller(emulator), ['crash.alice']);

    const dataDir = join(dir, 'data');
    await prepareChildDataDir(dataDir);
    const env = childEnv(emulator, dataDir, proxy.url);

    const first = await startChildBff(env, dir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const session = await signInChild(first);
    // The first call of 100 items goes through; the second is held at the proxy and the BFF killed.
    const held = proxy.holdMarkContact(2);
    const items = Array.from({ length: 300 }, (_, n) => ({ conversation: { type: 'c2c', id: `peer${n}` }, setBits: [1], customMark: `m${n}` }));
    const save = childApi(first, session, 'POST', '/api/chat-users/crash.alice/marks', { items, reason: 'ticket 4711' }).catch(() => null);
    await held.arrived();
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(await save).toBeNull();
    expect(proxy.landed.size).toBe(100);

    const second = await startChildBff(env, dir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    const again = await signInChild(second);
    // Reconciliation runs at start; wait until it has settled everything (polling the API, no fixed sleep).
    const entriesWith = async (status: string) =>
      (await childApi<AuditListResponse>(second, again, 'GET', `/api/audit?chatUser=crash.alice&status=${status}&limit=200`)).entries;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && (await entriesWith('unknown')).length > 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const applied = await entriesWith('applied');
    expect(applied).toHaveLength(100);
    expect(await entriesWith('failed')).toHaveLength(200);
    expect(new Set(applied.map((entry) => entry.conversation.id))).toEqual(new Set([...proxy.landed.keys()].map((key) => key.split('/')[1])));
    const undone = await childApi<AuditEntry>(second, again, 'POST', `/api/audit/${applied[0]!.id}/revert`);
    expect(undone).toMatchObject({ status: 'applied', revertOf: applied[0]!.id });

    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
});
