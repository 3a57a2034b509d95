import { elementScroll, measureElement, useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useImperativeHandle, useLayoutEffect, useRef, type CSSProperties, type FocusEventHandler, type KeyboardEventHandler, type ReactNode, type Ref } from 'react';

export type VirtualRowsHandle = { scrollToIndex: (index: number) => void };

type VirtualRowsProps = {
  count: number;
  /** The usual height of a row, before it is measured (every row's height when not `measured`). */
  rowHeight: (index: number) => number;
  rowKey: (index: number) => string;
  /** The scrolling box's height. */
  height: number;
  /** Rows differ in height: the drawn ones are measured (by the ResizeObserver only, see below). */
  measured?: boolean;
  /** Rows drawn beyond the visible ones, each way. */
  overscan?: number;
  /**
   * The drawn rows, each placed at `item.start` by the caller (through `style`: as sx a position would
   * mint a CSS class per scroll position). With `measured`, each row's element takes `measure` as its
   * ref and `data-index={item.index}`.
   */
  children: (items: readonly VirtualItem[], measure: (element: Element | null) => void) => ReactNode;
  handle?: Ref<VirtualRowsHandle>;
  /** Called after every drawing of the rows (e.g. to focus a row scrolled to, once it is drawn). */
  onDrawn?: () => void;
  /** The scrolling element's role: the rows' container (`rowgroup` in a table, `list` for a list). */
  role: string;
  label?: string;
  tabIndex?: number;
  className?: string;
  /** Style of the scrolling element; it scrolls vertically and holds the rows' canvas. */
  style?: CSSProperties;
  canvasClassName?: string;
  onKeyDown?: KeyboardEventHandler<HTMLDivElement>;
  onKeyUp?: KeyboardEventHandler<HTMLDivElement>;
  onFocus?: FocusEventHandler<HTMLDivElement>;
};

// The box's height is known (the `height` prop): the first render draws a screenful from it, and
// the ResizeObserver, which reports after the browser's own layout, corrects it when the box is laid
// out otherwise. The library's default reads the box's size as the list mounts, which forced a layout
// of the whole page in the middle of the first render (about 150 ms on a slow laptop) and drew the
// rows in a second render. A box not laid out (or a test DOM, which lays nothing out) measures 0:
// keep drawing a screenful then. The one place that copes with a DOM without layout.
function observeRectAfterLayout(height: number) {
  return (instance: Virtualizer<HTMLDivElement, Element>, callback: (rect: { width: number; height: number }) => void) => {
    const element = instance.scrollElement;
    if (element === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const laidOut = element.clientHeight;
      callback({ width: element.clientWidth, height: laidOut === 0 ? height : laidOut });
    });
    observer.observe(element, { box: 'content-box' });
    return () => observer.disconnect();
  };
}

// As it mounts, the virtualizer writes the box's offset back to it: 0 to a box that is new, and so
// at 0 already. That first write is skipped: a scroll write lays out the whole page on the spot (about
// 140 ms on a slow laptop, in the middle of the first render), and writing 0 to a box at 0 moves
// nothing and fires no scroll event. Every later write, to 0 or elsewhere, goes through.
const mounted = new WeakSet<Element>();
function scrollAfterMount(offset: number, options: { adjustments?: number; behavior?: ScrollBehavior }, instance: Virtualizer<HTMLDivElement, Element>) {
  const element = instance.scrollElement;
  if (element !== null && !mounted.has(element)) {
    mounted.add(element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
}

/**
 * A scrolling box that draws only its visible rows (plus `overscan` each way), so lists of
 * thousands scroll smoothly. The one virtualised list of the app: the Marks conversation list and
 * Inspect's rows use it.
 */
export function VirtualRows({
  count,
  rowHeight,
  rowKey,
  height,
  measured = false,
  overscan = 3,
  children,
  handle,
  onDrawn,
  role,
  label,
  tabIndex,
  className,
  style,
  canvasClassName,
  onKeyDown,
  onKeyUp,
  onFocus,
}: VirtualRowsProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is a mutable object by design; this component does not rely on compiler memoisation.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    overscan,
    getItemKey: rowKey,
    initialRect: { width: 0, height },
    observeElementRect: observeRectAfterLayout(height),
    scrollToFn: scrollAfterMount,
    // Sizes come only from the ResizeObserver, which reports every row of a frame at once after
    // layout: a row that has just rendered keeps its last known size or its estimate instead of
    // being measured on the spot (one forced layout per row). An element not laid out (or in a
    // test DOM) measures 0: keep the estimate then too.
    ...(measured
      ? {
          measureElement: (element: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, Element>) => {
            const index = instance.indexFromElement(element);
            if (entry === undefined) return instance.itemSizeCache.get(rowKey(index)) ?? rowHeight(index);
            return measureElement(element, entry, instance) || rowHeight(index);
          },
        }
      : {}),
  });
  useLayoutEffect(() => onDrawn?.());
  useImperativeHandle(handle, () => ({ scrollToIndex: (index: number) => virtualizer.scrollToIndex(index) }), [virtualizer]);
  return (
    <div
      ref={scrollRef}
      role={role}
      aria-label={label}
      tabIndex={tabIndex}
      className={className}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onFocus={onFocus}
      style={{ overflowY: 'auto', position: 'relative', ...style, height }}
    >
      <div role="presentation" className={canvasClassName} style={{ position: 'relative', height: virtualizer.getTotalSize() }}>
        {children(virtualizer.getVirtualItems(), virtualizer.measureElement)}
      </div>
    </div>
  );
}
