// History search on the store: substrings of chat user, conversation and staff, words of the reason
// (through the trigram index, and by scan for terms shorter than three characters), bulk job and
// request filters, paging.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordEntries } from './audit';
import { queryAudit, type AuditFilter } from './audit-query';
import { type Store } from './database';
import { oneShotEntry } from './audit-test-entry';
import { createFakeClock } from '../testing/fake-clock';
import { openTestStore } from '../testing/test-store';

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

const entry = oneShotEntry;

async function seed(): Promise<void> {
  const clock = createFakeClock('2026-11-20T08:00:00.000Z');
  await recordEntries(
    store,
    [
      entry({ reason: 'Ticket #4711: customer lost the shop chat' }),
      entry({ staff: 'admin.lee', chatUser: 'light.user', conversation: { type: 'group', id: '@TGS#2VIPROOM' }, reason: 'TICKET 5020 escalated', requestId: 'req-b' }),
      entry({ staff: 'ops', chatUser: 'mina', conversation: { type: 'c2c', id: 'p1' }, reason: '工单 4711 客户反馈', requestId: 'job:J1:line:2' }),
      entry({ staff: 'ops', chatUser: 'mina', conversation: { type: 'c2c', id: 'p2' }, requestId: 'job:J1:line:3' }),
      entry({ staff: 'ops', chatUser: 'mina', conversation: { type: 'c2c', id: 'p3' }, requestId: 'job:J10:line:2' }),
    ],
    clock,
  );
}

async function find(filter: Omit<AuditFilter, 'limit'>): Promise<string[]> {
  return (await queryAudit(store.read, { ...filter, limit: 50 }))
    .entries.map((found) => `${found.chatUser}/${found.conversation.id}`)
    .sort();
}

describe('history search', () => {
  it('matches part of a chat user, conversation or staff name, any case, only with match=contains', async () => {
    await seed();
    expect(await find({ match: 'contains', chatUser: 'HEAV' })).toEqual(['heavy.user/shop.seoul']);
    expect(await find({ match: 'contains', chatUser: 'user' })).toEqual(['heavy.user/shop.seoul', 'light.user/@TGS#2VIPROOM']);
    expect(await find({ match: 'contains', staff: 'supp' })).toEqual(['heavy.user/shop.seoul']);
    expect(await find({ match: 'contains', conversationId: 'viproom' })).toEqual(['light.user/@TGS#2VIPROOM']);
    // Two characters are below the trigram: a scan finds them all the same.
    expect(await find({ match: 'contains', conversationId: 'p2' })).toEqual(['mina/p2']);
    expect(await find({ match: 'contains', staff: 'op' })).toEqual(['mina/p1', 'mina/p2', 'mina/p3']);
    // Exact (the default) stays exact.
    expect(await find({ chatUser: 'heavy' })).toEqual([]);
    expect(await find({ staff: 'ops' })).toEqual(['mina/p1', 'mina/p2', 'mina/p3']);
  });

  it('finds reasons by every word given, ticket numbers and Chinese included', async () => {
    await seed();
    expect(await find({ reasonSearch: '4711' })).toEqual(['heavy.user/shop.seoul', 'mina/p1']);
    expect(await find({ reasonSearch: '#4711' })).toEqual(['heavy.user/shop.seoul']);
    expect(await find({ reasonSearch: 'ticket' })).toEqual(['heavy.user/shop.seoul', 'light.user/@TGS#2VIPROOM']);
    expect(await find({ reasonSearch: 'ticket  escalated' })).toEqual(['light.user/@TGS#2VIPROOM']);
    expect(await find({ reasonSearch: '客户' })).toEqual(['mina/p1']);
    expect(await find({ reasonSearch: '工单 4711' })).toEqual(['mina/p1']);
    expect(await find({ reasonSearch: '9999' })).toEqual([]);
    // Quotes and FTS operators are text, not syntax.
    expect(await find({ reasonSearch: '"4711 OR NOT' })).toEqual([]);
    expect(await find({ reasonSearch: 'ticket', match: 'contains', chatUser: 'light' })).toEqual(['light.user/@TGS#2VIPROOM']);
  });

  it('filters by bulk job (its lines only, not a job whose id starts the same) and by request', async () => {
    await seed();
    expect(await find({ jobId: 'J1' })).toEqual(['mina/p1', 'mina/p2']);
    expect(await find({ jobId: 'J10' })).toEqual(['mina/p3']);
    expect(await find({ requestId: 'req-b' })).toEqual(['light.user/@TGS#2VIPROOM']);
    expect(await find({ requestId: 'req' })).toEqual([]);
    const [one] = (await queryAudit(store.read, { requestId: 'req-b', limit: 1 })).entries;
    expect(await find({ entryId: one!.id })).toEqual(['light.user/@TGS#2VIPROOM']);
  });

  it('pages through search results newest first without repeats', async () => {
    const clock = createFakeClock('2026-11-20T08:00:00.000Z');
    await recordEntries(
      store,
      Array.from({ length: 7 }, (_, index) => entry({ conversation: { type: 'c2c', id: `c${index}` }, reason: index % 2 === 0 ? `ticket ${index}` : 'other' })),
      clock,
    );
    const first = (await queryAudit(store.read, { reasonSearch: 'ticket', limit: 3 }));
    const second = (await queryAudit(store.read, { reasonSearch: 'ticket', limit: 3, cursor: first.nextCursor! }));
    expect([...first.entries, ...second.entries].map((found) => found.conversation.id)).toEqual(['c6', 'c4', 'c2', 'c0']);
    expect(second.nextCursor).toBeNull();
  });
});
