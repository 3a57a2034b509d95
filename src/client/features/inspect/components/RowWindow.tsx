import Box from '@mui/material/Box';
import { measureElement, observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

/** Up to this many rows are all rendered (find-in-page works); longer lists render only what is visible. */
export const PLAIN_ROWS_MAX = 200;

type RowWindowProps = {
  count: number;
  maxHeight: number;
  /** The usual height of a row, before it is measured. */
  rowHeight: (index: number) => number;
  rowKey: (index: number) => string;
  renderRow: (index: number) => ReactNode;
  /** Role of the scrolling element: the rows' container (`rowgroup` in a table, `list` for a list). */
  role: string;
  label?: string;
};

/** A scrolling box of rows; a list as long as heavy.user's 1,500 conversations is virtualised. */
export function RowWindow(props: RowWindowProps) {
  return props.count <= PLAIN_ROWS_MAX ? <PlainRows {...props} /> : <VirtualRows {...props} />;
}

function PlainRows({ count, maxHeight, rowKey, renderRow, role, label }: RowWindowProps) {
  return (
    // Focusable, so the rows scroll with the keyboard even when they hold no control.
    <Box role={role} aria-label={label} tabIndex={0} sx={{ overflowY: 'auto', maxHeight }}>
      {Array.from({ length: count }, (_, index) => (
        <Box key={rowKey(index)} role="none">
          {renderRow(index)}
        </Box>
      ))}
    </Box>
  );
}

// A container not laid out yet (or a test DOM) measures 0 × 0: render a first screenful meanwhile.
function observeRectWithFallback(maxHeight: number) {
  return (instance: Virtualizer<HTMLDivElement, Element>, callback: (rect: { width: number; height: number }) => void) =>
    observeElementRect(instance, (rect) => callback(rect.height === 0 ? { width: rect.width, height: maxHeight } : rect));
}

function VirtualRows({ count, maxHeight, rowHeight, rowKey, renderRow, role, label }: RowWindowProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is a mutable object by design; this component does not rely on compiler memoisation.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    overscan: 3,
    getItemKey: rowKey,
    observeElementRect: observeRectWithFallback(maxHeight),
    // Sizes come only from the ResizeObserver, which reports every row of a frame at once after
    // layout: a row that has just rendered keeps its last known size or its estimate instead of
    // being measured on the spot (one forced layout per row). An element not laid out (or in a
    // test DOM) measures 0: keep the estimate then too.
    measureElement: (element, entry, instance) => {
      const index = instance.indexFromElement(element);
      if (entry === undefined) return instance.itemSizeCache.get(rowKey(index)) ?? rowHeight(index);
      return measureElement(element, entry, instance) || rowHeight(index);
    },
  });
  return (
    <Box ref={scrollRef} role={role} aria-label={label} tabIndex={0} sx={{ overflowY: 'auto', position: 'relative' }} style={{ height: maxHeight }}>
      {/* Sizes and offsets through `style`: as sx they would mint a CSS class per scroll position. */}
      <Box role="presentation" sx={{ position: 'relative' }} style={{ height: virtualizer.getTotalSize() }}>
        {/* Rows are measured once drawn: a conversation with many bits wraps onto a second line. */}
        {virtualizer.getVirtualItems().map((item) => (
          <Box key={item.key} ref={virtualizer.measureElement} data-index={item.index} role="none" sx={{ position: 'absolute', top: 0, left: 0, right: 0 }} style={{ transform: `translateY(${item.start}px)` }}>
            {renderRow(item.index)}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
