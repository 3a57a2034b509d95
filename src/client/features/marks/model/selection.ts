// Row selection: a click toggles one row; a shift-click sets every row between the previous click
// (the anchor) and this one to the clicked row's new state, as in a file manager. The anchor is the
// conversation clicked, not its position: the list may be read again or filtered between the two
// clicks, and the range then starts where that conversation is now (or, when it is no longer
// listed, the shift-click toggles its own row only).

export type SelectionClick = { index: number; shiftKey: boolean };

export function applySelectionClick(
  selected: ReadonlySet<string>,
  orderedKeys: readonly string[],
  anchor: string | null,
  click: SelectionClick,
): { selected: Set<string>; anchor: string | null } {
  const key = orderedKeys[click.index];
  const next = new Set(selected);
  if (key === undefined) return { selected: next, anchor };
  const select = !selected.has(key);
  const anchorIndex = click.shiftKey && anchor !== null ? orderedKeys.indexOf(anchor) : -1;
  if (anchorIndex >= 0) {
    const [from, to] = anchorIndex <= click.index ? [anchorIndex, click.index] : [click.index, anchorIndex];
    for (let index = from; index <= to; index++) {
      const rowKey = orderedKeys[index] as string;
      if (select) next.add(rowKey);
      else next.delete(rowKey);
    }
  } else if (select) next.add(key);
  else next.delete(key);
  return { selected: next, anchor: key };
}
