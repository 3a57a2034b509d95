// Row selection: a click toggles one row; a shift-click sets every row between the previous click
// (the anchor) and this one to the clicked row's new state, as in a file manager.

export type SelectionClick = { index: number; shiftKey: boolean };

export function applySelectionClick(
  selected: ReadonlySet<string>,
  orderedKeys: readonly string[],
  anchor: number | null,
  click: SelectionClick,
): { selected: Set<string>; anchor: number } {
  const key = orderedKeys[click.index];
  const next = new Set(selected);
  if (key === undefined) return { selected: next, anchor: anchor ?? click.index };
  const select = !selected.has(key);
  if (click.shiftKey && anchor !== null && anchor < orderedKeys.length) {
    const [from, to] = anchor <= click.index ? [anchor, click.index] : [click.index, anchor];
    for (let index = from; index <= to; index++) {
      const rowKey = orderedKeys[index] as string;
      if (select) next.add(rowKey);
      else next.delete(rowKey);
    }
  } else if (select) next.add(key);
  else next.delete(key);
  return { selected: next, anchor: click.index };
}
