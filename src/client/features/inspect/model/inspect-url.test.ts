import { describe, expect, it } from 'vitest';
import { matchesRawFilter, readInspectView, writeInspectView } from './inspect-url';

describe("Inspect's view in the address", () => {
  it('round-trips the what-if and the filters, keeping the user', () => {
    const params = new URLSearchParams('user=minji.kim&whatif=1&chosen=c2c%3Ajiwoo.park&chosen=group%3A%40TGS%231&on=3,32&off=1&q=park&bit=3');
    const view = readInspectView(params);
    expect(view.whatIfMode).toBe(true);
    expect([...view.whatIf.chosen]).toEqual(['c2c:jiwoo.park', 'group:@TGS#1']);
    expect([...view.whatIf.touched]).toEqual([
      [3, 'on'],
      [32, 'on'],
      [1, 'off'],
    ]);
    expect(view).toMatchObject({ search: 'park', bit: 3 });
    expect(writeInspectView(new URLSearchParams('user=minji.kim'), view).toString()).toBe(params.toString());
  });

  it('drops what it cannot read, and a what-if without its mode', () => {
    const view = readInspectView(new URLSearchParams('chosen=nope&on=99,x&bit=64&whatif=0'));
    expect(view).toEqual({ whatIfMode: false, whatIf: { chosen: new Set(), touched: new Map() }, search: '', bit: null });
    expect(writeInspectView(new URLSearchParams('user=a&q=old'), view).toString()).toBe('user=a');
  });
});

describe('the All conversations filter', () => {
  const entry = { conversation: { id: 'customer.0042' }, name: '김민지', bits: [0, 3], customMark: 'VIP' };
  it('matches ID, name or custom mark, any case, and the bit', () => {
    expect(matchesRawFilter(entry, 'CUSTOMER.00', null)).toBe(true);
    expect(matchesRawFilter(entry, '민지', 3)).toBe(true);
    expect(matchesRawFilter(entry, 'vip', 3)).toBe(true);
    expect(matchesRawFilter(entry, '', 1)).toBe(false);
    expect(matchesRawFilter(entry, 'nobody', null)).toBe(false);
  });
});
