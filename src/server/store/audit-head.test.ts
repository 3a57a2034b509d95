import { describe, expect, it } from 'vitest';
import { recordEntries, type AuditOneShotEntry } from './audit';
import { createHeadAnchor } from './audit-head';

import { createFakeClock } from '../testing/fake-clock';
import { openTestStore } from '../testing/test-store';

const entry = (i: number): AuditOneShotEntry => ({
  staff: 'rita',
  chatUser: 'user0',
  conversation: { type: 'c2c', id: 'user1' },
  requested: { setBits: [0], clearBits: [] },
  before: null,
  after: null,
  status: 'failed',
  requestId: `r${i}`,
});

describe('head anchoring', () => {
  it('logs every 1,000th row, the head after 10 minutes when it moved, and the head at shutdown', async () => {
    const store = await openTestStore();
    const clock = createFakeClock();
    const logged: number[] = [];
    const hashes = new Map<number, string>();
    await recordEntries(store, [entry(0)], clock);
    const anchor = await createHeadAnchor({ store, clock, everyEntries: 10, everyMs: 600_000, log: ({ seq, hash }) => (logged.push(seq), hashes.set(seq, hash)) });
    expect(logged).toEqual([1]); // at start

    await recordEntries(store, Array.from({ length: 24 }, (_, i) => entry(i)), clock); // up to seq 25
    await anchor.check();
    expect(logged).toEqual([1, 10, 20]);
    clock.advance(599_999);
    await anchor.check();
    expect(logged).toEqual([1, 10, 20]);
    clock.advance(1);
    await anchor.check();
    expect(logged).toEqual([1, 10, 20, 25]);
    clock.advance(600_000);
    await anchor.check(); // the head did not move: nothing
    expect(logged).toEqual([1, 10, 20, 25]);
    await recordEntries(store, [entry(99)], clock);
    await anchor.flush();
    expect(logged).toEqual([1, 10, 20, 25, 26]);
    const row = await store.read.selectFrom('audit').select('hash').where('seq', '=', 20).executeTakeFirstOrThrow();
    expect(hashes.get(20)).toBe(row.hash);
    await store.close();
  });
});
