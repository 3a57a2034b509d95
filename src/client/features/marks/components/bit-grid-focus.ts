// The bit grid is one tab stop (a roving tabindex): exactly one enabled, visible checkbox has
// tabIndex 0, the others -1; arrow keys move between them and Tab leaves the grid. The stop is kept
// in the DOM, not in React state, so moving it re-renders nothing.

const GRID_SELECTOR = '[data-bit-grid]';
const BOX_SELECTOR = 'input.bit-box';

/** The checkboxes a person can reach: enabled and not folded away, in the grid's order. */
export function reachableBoxes(grid: Element): HTMLInputElement[] {
  return [...grid.querySelectorAll<HTMLInputElement>(BOX_SELECTOR)].filter((box) => !box.disabled && box.closest('[hidden]') === null);
}

/** Makes `target` the grid's one tab stop. */
export function moveTabStop(grid: Element, target: HTMLInputElement): void {
  for (const box of grid.querySelectorAll<HTMLInputElement>(BOX_SELECTOR)) box.tabIndex = box === target ? 0 : -1;
}

/** Keeps one reachable tab stop: the current one if it still is reachable, else the first. */
export function ensureTabStop(grid: Element): void {
  const boxes = reachableBoxes(grid);
  if (boxes.some((box) => box.tabIndex === 0)) return;
  const first = boxes[0];
  if (first) moveTabStop(grid, first);
}

/** Called by a checkbox that was folded away or disabled: the grid's stop moves elsewhere if it was this one. */
export function releaseTabStop(box: HTMLInputElement): void {
  const grid = box.closest(GRID_SELECTOR);
  if (grid === null || box.tabIndex !== 0) return;
  box.tabIndex = -1;
  ensureTabStop(grid);
}

const NEXT_KEYS: Record<string, 1 | -1 | 'first' | 'last'> = {
  ArrowRight: 1,
  ArrowDown: 1,
  ArrowLeft: -1,
  ArrowUp: -1,
  Home: 'first',
  End: 'last',
};

/** The grid's keydown: arrows (and Home/End) move focus and the tab stop. True when it handled the key. */
export function handleGridKey(grid: Element, key: string, target: EventTarget | null): boolean {
  const step = NEXT_KEYS[key];
  if (step === undefined || !(target instanceof HTMLInputElement) || !target.matches(BOX_SELECTOR)) return false;
  const boxes = reachableBoxes(grid);
  const index = boxes.indexOf(target);
  if (index === -1 || boxes.length === 0) return false;
  const next =
    step === 'first' ? boxes[0] : step === 'last' ? boxes[boxes.length - 1] : boxes[Math.min(boxes.length - 1, Math.max(0, index + step))];
  if (!next) return false;
  moveTabStop(grid, next);
  next.focus();
  return true;
}
