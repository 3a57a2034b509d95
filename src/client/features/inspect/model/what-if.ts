// Inspect's what-if: bits toggled on chosen conversations, applied in the browser only, to preview
// how Tencent's UIKit would show the list. Nothing here is ever sent upstream.
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { applyChange, type MarkChange } from '../../../../shared/marks/change';
import { conversationKey } from '../../../../shared/marks/conversation';
import { changeFromTouched, nextTriState, selectionTriStates, type TouchedBits, type TriState } from '../../../../shared/marks/tristate';

export type WhatIf = {
  /** Conversation keys the toggles apply to. */
  chosen: ReadonlySet<string>;
  /** Bits set or cleared on every chosen conversation; absent bits stay as they are. */
  touched: TouchedBits;
};

export const EMPTY_WHAT_IF: WhatIf = { chosen: new Set(), touched: new Map() };

/** A conversation as the preview sees it; `whatIfChanged` when the toggles changed its bits. */
export type PreviewEntry = ConversationEntry & { whatIfChanged: boolean };

export function whatIfChange(whatIf: WhatIf): MarkChange {
  return changeFromTouched(whatIf.touched);
}

export function hasWhatIfChange(whatIf: WhatIf): boolean {
  return whatIf.chosen.size > 0 && whatIf.touched.size > 0;
}

/** The conversations with the what-if applied to the chosen ones (same order, same objects when untouched). */
export function applyWhatIf(entries: readonly ConversationEntry[], whatIf: WhatIf): PreviewEntry[] {
  const change = whatIfChange(whatIf);
  const active = whatIf.chosen.size > 0 && change.setBits.length + change.clearBits.length > 0;
  return entries.map((entry) => {
    if (!active || !whatIf.chosen.has(conversationKey(entry.conversation))) return { ...entry, whatIfChanged: false };
    const { bits } = applyChange({ bits: entry.bits, customMark: entry.customMark }, change);
    return { ...entry, bits, whatIfChanged: bits.join() !== entry.bits.join() };
  });
}

/** Per bit, what the chosen conversations have now: on for all, off for all, or mixed. */
export function chosenTriStates(entries: readonly ConversationEntry[], chosen: ReadonlySet<string>): TriState[] {
  return selectionTriStates(entries.filter((entry) => chosen.has(conversationKey(entry.conversation))));
}

/** What a bit's checkbox shows: the toggle when there is one, else the chosen conversations' own state. */
export function shownTriState(whatIf: WhatIf, original: TriState, bit: number): TriState {
  return whatIf.touched.get(bit) ?? original;
}

/** A click on a bit's checkbox, cycling like the mark editor (on → off → back to mixed). */
export function toggleWhatIfBit(whatIf: WhatIf, original: TriState, bit: number): WhatIf {
  const next = nextTriState(shownTriState(whatIf, original, bit), original);
  const touched = new Map(whatIf.touched);
  if (next === 'mixed' || next === original) touched.delete(bit);
  else touched.set(bit, next);
  return { ...whatIf, touched };
}
