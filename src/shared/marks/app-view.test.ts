import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsPerBit, deriveAppView, type AppViewInput } from './app-view';

type Row = AppViewInput & { id: string };
const row = (id: string, bits: number[], lastMessageAt: string | null, extra: Partial<Row> = {}): Row => ({
  id,
  bits,
  pinned: false,
  lastMessageAt,
  inRecentList: lastMessageAt !== null,
  ...extra,
});
const ids = (rows: ReturnType<typeof deriveAppView<Row>>) =>
  rows.map((r) => (r.kind === 'folded' ? `folded(${r.conversations.map((c) => c.conversation.id).join(',')})` : r.conversation.id));

describe('deriveAppView', () => {
  it('removes hidden conversations, and hidden beats collapsed', () => {
    const view = deriveAppView([row('a', [3], '2026-11-01T00:00:00Z'), row('b', [2, 3], '2026-11-02T00:00:00Z'), row('c', [], '2026-11-03T00:00:00Z')]);
    expect(ids(view)).toEqual(['c']);
  });

  it('gathers collapsed conversations into one folded row placed by its newest message', () => {
    const view = deriveAppView([
      row('old', [], '2026-11-01T00:00:00Z'),
      row('f1', [2], '2026-11-02T00:00:00Z'),
      row('f2', [2, 1], '2026-11-05T00:00:00Z'),
      row('new', [], '2026-11-04T00:00:00Z'),
    ]);
    expect(ids(view)).toEqual(['folded(f2,f1)', 'new', 'old']);
    const folded = view[0];
    expect(folded?.kind === 'folded' && folded.conversations).toHaveLength(2);
    expect(folded?.kind === 'folded' && folded.unreadDot).toBe(true);
  });

  it('puts pinned conversations first, then newest message first', () => {
    const view = deriveAppView([
      row('a', [], '2026-11-03T00:00:00Z'),
      row('pinned-old', [], '2026-10-01T00:00:00Z', { pinned: true }),
      row('b', [], '2026-11-04T00:00:00Z'),
    ]);
    expect(ids(view)).toEqual(['pinned-old', 'b', 'a']);
  });

  it('stars favourites and shows the unread mark as a dot', () => {
    const [only] = deriveAppView([row('x', [0, 1], '2026-11-03T00:00:00Z')]);
    expect(only).toMatchObject({ kind: 'conversation', starred: true, unreadDot: true });
  });

  it('leaves out marked conversations that are not in the recent list', () => {
    expect(deriveAppView([row('gone', [0], null)])).toEqual([]);
  });

  it('shows every visible conversation exactly once (property)', () => {
    const arbitraryRow = fc.record({
      id: fc.uuid(),
      bits: fc.subarray([0, 1, 2, 3, 32, 63]),
      pinned: fc.boolean(),
      lastMessageAt: fc.option(fc.date({ noInvalidDate: true, min: new Date('2020-01-01'), max: new Date('2030-01-01') }).map((d) => d.toISOString()), { nil: null }),
      inRecentList: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbitraryRow, { maxLength: 40 }), (rows) => {
        const view = deriveAppView(rows);
        const shown = view.flatMap((r) => (r.kind === 'folded' ? r.conversations : [r])).map((r) => r.conversation.id);
        const expected = rows.filter((r) => r.inRecentList && !r.bits.includes(3)).map((r) => r.id);
        expect(shown.sort()).toEqual(expected.sort());
        expect(view.filter((r) => r.kind === 'folded').length).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('countsPerBit', () => {
  it('counts conversations per bit', () => {
    const counts = countsPerBit([{ bits: [0, 63] }, { bits: [0] }]);
    expect(counts[0]).toBe(2);
    expect(counts[63]).toBe(1);
    expect(counts).toHaveLength(64);
  });
});
