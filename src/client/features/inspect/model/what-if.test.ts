import { describe, expect, it } from 'vitest';
import { deriveAppView } from '../../../../shared/marks/app-view';
import { entry } from '../../../test/fixtures';
import { appPresenceByKey } from './app-presence';
import { applyWhatIf, chosenTriStates, EMPTY_WHAT_IF, shownTriState, toggleWhatIfBit, whatIfChange, type WhatIf } from './what-if';

const entries = [entry('a', { bits: [0, 3] }), entry('b', { bits: [2] }), entry('c', { bits: [], inRecentList: false })];

describe('what-if', () => {
  it('cycles a mixed bit on → off → back to untouched, and a plain bit on ↔ off', () => {
    let whatIf: WhatIf = { ...EMPTY_WHAT_IF, chosen: new Set(['c2c:a', 'c2c:b']) };
    const original = chosenTriStates(entries, whatIf.chosen);
    expect([original[0], original[2], original[32]]).toEqual(['mixed', 'mixed', 'off']);
    whatIf = toggleWhatIfBit(whatIf, original[3]!, 3);
    expect(shownTriState(whatIf, original[3]!, 3)).toBe('on');
    whatIf = toggleWhatIfBit(whatIf, original[3]!, 3);
    expect(shownTriState(whatIf, original[3]!, 3)).toBe('off');
    whatIf = toggleWhatIfBit(toggleWhatIfBit(whatIf, original[32]!, 32), original[0]!, 0);
    expect(whatIfChange(whatIf)).toEqual({ setBits: [0, 32], clearBits: [3] });
    whatIf = toggleWhatIfBit(whatIf, original[3]!, 3);
    expect(whatIf.touched.has(3)).toBe(false);
  });

  it('applies only to the chosen conversations and flags those it changed', () => {
    const whatIf: WhatIf = { chosen: new Set(['c2c:a']), touched: new Map([[3, 'off'], [2, 'on']]) };
    const preview = applyWhatIf(entries, whatIf);
    expect(preview.map((row) => [row.conversation.id, row.bits, row.whatIfChanged])).toEqual([
      ['a', [0, 2], true],
      ['b', [2], false],
      ['c', [], false],
    ]);
    expect(entries[0]!.bits).toEqual([0, 3]);
  });

  it('reads where each conversation ends up from the derived app view', () => {
    const rows = deriveAppView(entries);
    expect(Object.fromEntries(appPresenceByKey(entries, rows))).toEqual({ 'c2c:a': 'hidden', 'c2c:b': 'folded', 'c2c:c': 'notListed' });
  });
});
