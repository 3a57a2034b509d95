// Inspect's view in the address bar, so a link reproduces it: the what-if (mode, chosen
// conversations, bits turned on and off) and the "All conversations" search and bit filter.
// /inspect?user=minji.kim&whatif=1&chosen=c2c%3Ajiwoo.park&on=3&off=1&q=park&bit=3
import { isValidBitIndex } from '../../../../shared/marks/bits';
import { EMPTY_WHAT_IF, type WhatIf } from './what-if';

export type InspectView = { whatIfMode: boolean; whatIf: WhatIf; search: string; bit: number | null };

function bitList(value: string | null): number[] {
  return (value ?? '')
    .split(',')
    .filter((part) => /^\d{1,2}$/.test(part))
    .map(Number)
    .filter(isValidBitIndex);
}

export function readInspectView(params: URLSearchParams): InspectView {
  const whatIfMode = params.get('whatif') === '1';
  const touched = new Map<number, 'on' | 'off'>();
  for (const bit of bitList(params.get('on'))) touched.set(bit, 'on');
  for (const bit of bitList(params.get('off'))) if (!touched.has(bit)) touched.set(bit, 'off');
  const chosen = new Set(params.getAll('chosen').filter((key) => /^(c2c|group):./.test(key)));
  const bit = bitList(params.get('bit'))[0];
  return {
    whatIfMode,
    whatIf: whatIfMode ? { chosen, touched } : EMPTY_WHAT_IF,
    search: params.get('q') ?? '',
    bit: bit === undefined ? null : bit,
  };
}

/** Writes the view into `params` (the user and anything else in it stay). */
export function writeInspectView(params: URLSearchParams, view: InspectView): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const name of ['whatif', 'chosen', 'on', 'off', 'q', 'bit']) next.delete(name);
  if (view.whatIfMode) {
    next.set('whatif', '1');
    for (const key of view.whatIf.chosen) next.append('chosen', key);
    const on = [...view.whatIf.touched].filter(([, state]) => state === 'on').map(([bit]) => bit);
    const off = [...view.whatIf.touched].filter(([, state]) => state === 'off').map(([bit]) => bit);
    if (on.length > 0) next.set('on', on.sort((a, b) => a - b).join(','));
    if (off.length > 0) next.set('off', off.sort((a, b) => a - b).join(','));
  }
  if (view.search.trim() !== '') next.set('q', view.search);
  if (view.bit !== null) next.set('bit', String(view.bit));
  return next;
}

/** "All conversations" narrowed by a text (ID or name, any case) and a bit. */
export function matchesRawFilter(entry: { conversation: { id: string }; name?: string | null | undefined; bits: readonly number[]; customMark: string }, search: string, bit: number | null): boolean {
  if (bit !== null && !entry.bits.includes(bit)) return false;
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  return entry.conversation.id.toLowerCase().includes(needle) || (entry.name ?? '').toLowerCase().includes(needle) || entry.customMark.toLowerCase().includes(needle);
}
