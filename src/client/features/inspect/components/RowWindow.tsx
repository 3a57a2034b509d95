import Box from '@mui/material/Box';
import type { ReactNode } from 'react';
import { VirtualRows } from '../../../components/VirtualRows';

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
  return props.count <= PLAIN_ROWS_MAX ? <PlainRows {...props} /> : <VirtualRowWindow {...props} />;
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

function VirtualRowWindow({ count, maxHeight, rowHeight, rowKey, renderRow, role, label }: RowWindowProps) {
  return (
    // Focusable, so the rows scroll with the keyboard even when they hold no control.
    <VirtualRows count={count} height={maxHeight} rowHeight={rowHeight} rowKey={rowKey} measured role={role} label={label} tabIndex={0}>
      {/* Rows are measured once drawn: a conversation with many bits wraps onto a second line. */}
      {(items, measure) =>
        items.map((item) => (
          <Box key={item.key} ref={measure} data-index={item.index} role="none" sx={{ position: 'absolute', top: 0, left: 0, right: 0 }} style={{ transform: `translateY(${item.start}px)` }}>
            {renderRow(item.index)}
          </Box>
        ))
      }
    </VirtualRows>
  );
}
