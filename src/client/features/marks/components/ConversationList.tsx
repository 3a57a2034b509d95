import GlobalStyles from '@mui/material/GlobalStyles';
import { alpha, type Theme } from '@mui/material/styles';
import type { VirtualItem } from '@tanstack/react-virtual';
import { memo, useCallback, useRef, useState, type ChangeEvent, type FocusEvent, type KeyboardEvent } from 'react';
import { isReadOnlyEntry, type ConversationEntry } from '../../../../shared/api/chat-users';
import { Glyph } from '../../../components/glyphs';
import { VirtualRows, type VirtualRowsHandle } from '../../../components/VirtualRows';
import { visuallyHidden } from '../../../components/visually-hidden';
import { useDeferredTitle } from '../../../components/deferred-title';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { timeZoneLabel } from './LastChangeNote';
import { MarkChips } from './MarkChips';

export const ROW_HEIGHT = 56;
const LIST_HEIGHT = 480;
/** Rows drawn beyond the visible ones, each way: enough for a keyboard step, few enough to scroll cheaply. */
const OVERSCAN = 3;
const rowHeight = () => ROW_HEIGHT;
// Narrow enough (690 px at least) that every column shows beside the editor at 1440 px wide.
const COLUMNS = '44px 112px minmax(140px, 1.4fr) 52px 112px minmax(130px, 1.2fr) minmax(100px, 1fr)';

type ConversationListProps = {
  label: string;
  rows: readonly ConversationEntry[];
  /** Each row's conversationKey, in the rows' order (worked out once per list, by the selection). */
  rowKeys: readonly string[];
  selected: ReadonlySet<string>;
  addedKeys: ReadonlySet<string>;
  onToggle: (index: number, shiftKey: boolean) => void;
  labeler: BitLabeler;
};

/** The row a key moves to from `from`, skipping rows that cannot be selected; null when there is none. */
export function rowForKey(key: string, from: number, selectable: (index: number) => boolean, count: number): number | null {
  const scan = (start: number, step: 1 | -1) => {
    for (let index = start; index >= 0 && index < count; index += step) if (selectable(index)) return index;
    return null;
  };
  switch (key) {
    case 'ArrowDown':
      return scan(from + 1, 1);
    case 'ArrowUp':
      return scan(from - 1, -1);
    case 'Home':
      return scan(0, 1);
    case 'End':
      return scan(count - 1, -1);
    default:
      return null;
  }
}

/**
 * Virtualised: only the visible rows (plus a few) are in the DOM, so 2,000 conversations scroll
 * smoothly. Rows are plain elements with class names; their styles are written once, here.
 *
 * Keyboard: on a row's checkbox, Up/Down move to the next selectable row, Home/End to the first
 * and last (the list scrolls there and the row's checkbox takes the focus), Space toggles the row,
 * and Shift+Space or Shift+Up/Down extend a range from the last toggled row, like a shift-click.
 * The list is one stop in the Tab order (a roving tab stop): only the row last focused (at first the
 * first drawn row) is tabbable, with its "+N" chip, so Tab goes past 1,500 rows in one press
 * instead of walking through every row the virtualizer draws as the focus scrolls it.
 */
export function ConversationList({ label, rows, rowKeys: keys, selected, addedKeys, onToggle, labeler }: ConversationListProps) {
  const t = useT();
  const tableRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<VirtualRowsHandle>(null);
  // Stable while the list is: the virtualizer asks for every row's key, and a new key function
  // would make it measure all 1,500 rows again on each selection change.
  const rowKey = useCallback((index: number) => keys[index] as string, [keys]);

  // The roving tab stop: the row whose checkbox Tab lands on.
  const [activeIndex, setActiveIndex] = useState(0);
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const indexText = (event.target as HTMLElement).getAttribute('data-row-index');
    if (indexText !== null) setActiveIndex(Number(indexText));
  };
  // The active row when it is drawn and selectable, else the first drawn row that is: the list never drops out of the Tab order.
  const tabStopOf = (drawn: readonly VirtualItem[]) => {
    const selectableDrawn = drawn.filter((item) => !isReadOnlyEntry(rows[item.index] as ConversationEntry));
    return selectableDrawn.some((item) => item.index === activeIndex) ? activeIndex : (selectableDrawn[0]?.index ?? null);
  };

  // The row whose checkbox should take the focus once it is drawn (it may be scrolled out of the DOM).
  const pendingFocus = useRef<number | null>(null);
  const focusPending = useCallback(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const box = tableRef.current?.querySelector<HTMLInputElement>(`input[data-row-index="${index}"]`);
    if (!box) return;
    pendingFocus.current = null;
    box.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const indexText = target.getAttribute('data-row-index');
    if (indexText === null || event.altKey || event.ctrlKey || event.metaKey) return;
    const index = Number(indexText);
    if (event.key === ' ') {
      // Toggled here rather than by the checkbox's own click, so Shift reaches the range logic.
      event.preventDefault();
      onToggle(index, event.shiftKey);
      return;
    }
    const selectable = (candidate: number) => !isReadOnlyEntry(rows[candidate] as ConversationEntry);
    const next = rowForKey(event.key, index, selectable, rows.length);
    if (next === null) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp' || event.key === 'Home' || event.key === 'End') event.preventDefault();
      return;
    }
    event.preventDefault();
    // Shift+Arrow extends: the row moved to joins the range (one already selected stays as it is).
    if (event.shiftKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp') && !selected.has(keys[next] as string)) {
      onToggle(next, true);
    }
    pendingFocus.current = next;
    rowsRef.current?.scrollToIndex(next);
    focusPending();
  };
  // The checkbox's own activation by Space (on key up) is replaced by the handler above.
  const onKeyUp = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === ' ' && (event.target as HTMLElement).hasAttribute('data-row-index')) event.preventDefault();
  };

  const headers = [t('list.colSelect'), t('list.colType'), t('list.colConversation'), t('list.colPinned'), t('list.colLastMessage'), t('list.colMarks'), t('list.colCustomMark')];

  return (
    <div className="conversation-list">
      <ListStyles />
      <div ref={tableRef} role="table" aria-label={label} aria-rowcount={rows.length + 1} className="list-table">
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="list-row list-head">
            {headers.map((header, index) => (
              <span key={header} role="columnheader" className="list-cell">
                {/* The checkbox column keeps its grid cell; only its name is visually hidden. */}
                {index === 0 ? <span className="visually-hidden">{header}</span> : header}
              </span>
            ))}
          </div>
        </div>
        {/* Sizes and positions go through `style`: as sx they would mint a new CSS class for every scroll position. */}
        <VirtualRows
          handle={rowsRef}
          // After every drawing: the target row is drawn once the list has scrolled there.
          onDrawn={focusPending}
          count={rows.length}
          rowHeight={rowHeight}
          rowKey={rowKey}
          height={Math.min(LIST_HEIGHT, Math.max(rows.length, 1) * ROW_HEIGHT)}
          overscan={OVERSCAN}
          role="rowgroup"
          className="list-body"
          canvasClassName="list-canvas"
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
          onFocus={onFocus}
        >
          {(drawn) => {
            const tabStop = tabStopOf(drawn);
            return drawn.map((item) => {
              const entry = rows[item.index] as ConversationEntry;
              const key = keys[item.index] as string;
              return (
                <ConversationRow
                  key={key}
                  entry={entry}
                  index={item.index}
                  top={item.start}
                  selected={selected.has(key)}
                  tabbable={item.index === tabStop}
                  added={addedKeys.has(key)}
                  onToggle={onToggle}
                  labeler={labeler}
                />
              );
            });
          }}
        </VirtualRows>
      </div>
    </div>
  );
}

type ConversationRowProps = {
  entry: ConversationEntry;
  index: number;
  top: number;
  selected: boolean;
  /** The list's one Tab stop (see ConversationList). */
  tabbable: boolean;
  added: boolean;
  onToggle: (index: number, shiftKey: boolean) => void;
  labeler: BitLabeler;
};

const ConversationRow = memo(function ConversationRow({ entry, index, top, selected, tabbable, added, onToggle, labeler }: ConversationRowProps) {
  const t = useT();
  const { conversation } = entry;
  const readOnly = isReadOnlyEntry(entry);
  const selectName = t('list.selectRow', { id: conversation.id });

  // React reports a checkbox's change from its click, so the native event carries the Shift key.
  const onChange = useCallback((event: ChangeEvent<HTMLInputElement>) => onToggle(index, (event.nativeEvent as MouseEvent).shiftKey === true), [onToggle, index]);

  return (
    <div role="row" aria-rowindex={index + 2} aria-selected={selected} className="list-row list-item" style={{ transform: `translateY(${top}px)` }}>
      {/* A read-only row (an ID over Chat's limit) cannot be selected; the cell says why on hover. */}
      <span role="cell" className="list-cell" title={readOnly ? t('list.readOnlyId') : undefined}>
        <input
          type="checkbox"
          className="row-box"
          checked={selected}
          onChange={onChange}
          data-row-index={index}
          tabIndex={tabbable ? 0 : -1}
          disabled={readOnly}
          aria-label={readOnly ? `${selectName}: ${t('list.readOnlyId')}` : selectName}
        />
      </span>
      <RowCells entry={entry} tabbable={tabbable} added={added} labeler={labeler} />
    </div>
  );
});

/**
 * A row's cells after its checkbox. Memoised apart from the row: selecting a row (or all of them)
 * re-renders its checkbox, not its chips, times and texts.
 */
const RowCells = memo(function RowCells({ entry, tabbable, added, labeler }: Pick<ConversationRowProps, 'entry' | 'tabbable' | 'added' | 'labeler'>) {
  const t = useT();
  const format = useFormat();
  const { conversation } = entry;
  const readOnly = isReadOnlyEntry(entry);
  const exactTime = useDeferredTitle(() => (entry.lastMessageAt === null ? '' : format.dateTime(entry.lastMessageAt)));
  return (
    <>
      <span role="cell" className="list-cell cell-type">
        <Glyph name={conversation.type === 'group' ? 'group' : 'person'} className="row-glyph" />
        {t(conversation.type === 'group' ? 'type.group' : 'type.c2c')}
      </span>
      <span role="cell" className="list-cell">
        <span className={entry.name === null ? 'line no-name' : 'line'}>
          {entry.name ?? t('list.noName')}
          {added ? <span className="chip chip-added">{t('list.added')}</span> : null}
          {entry.groupNames?.map((group) => (
            <span key={group} className="chip chip-group" title={t('list.inGroup', { group })}>
              {group}
            </span>
          ))}
        </span>
        <span className="line row-id" title={readOnly ? t('list.readOnlyId') : entry.inRecentList ? undefined : t('list.notRecent')}>
          {conversation.id}
          {entry.inRecentList || added ? '' : ` · ${t('list.notRecent')}`}
          {readOnly ? ` · ${t('list.readOnly')}` : ''}
        </span>
      </span>
      <span role="cell" className="list-cell">
        {entry.pinned ? <Glyph name="pin" className="row-pin" title={t('list.pinned')} /> : null}
      </span>
      <span role="cell" className="list-cell">
        {entry.lastMessageAt ? (
          <time dateTime={entry.lastMessageAt} {...exactTime}>
            {format.relativeTime(entry.lastMessageAt)}
          </time>
        ) : (
          <span className="muted">{t('list.noMessage')}</span>
        )}
      </span>
      <span role="cell" className="list-cell cell-marks">
        <MarkChips bits={entry.bits} labeler={labeler} tabbable={tabbable} />
        <RowLastChange entry={entry} />
      </span>
      <span role="cell" className="list-cell">
        <span className="line" title={entry.customMark}>
          {entry.customMark}
        </span>
      </span>
    </>
  );
});

/** "Marks last changed 3 days ago · in Markdesk": one plain line; the exact time, zone and source on hover. */
function RowLastChange({ entry }: { entry: ConversationEntry }) {
  const t = useT();
  const format = useFormat();
  const { markUpdatedAt, lastChange } = entry;
  const source = lastChange === undefined ? '' : t(lastChange.source === 'markdesk' ? 'lastChange.short.markdesk' : 'lastChange.short.elsewhere');
  const exact = useDeferredTitle(() => (markUpdatedAt === null ? '' : `${format.dateTime(markUpdatedAt)} ${timeZoneLabel(markUpdatedAt)}${source ? ` · ${source}` : ''}`));
  if (markUpdatedAt === null) return null;
  const text = `${t('lastChange.at', { when: format.relativeTime(markUpdatedAt) })}${source ? ` · ${source}` : ''}`;
  return (
    <span className="line row-changed" {...exact}>
      {text}
    </span>
  );
}

/**
 * The list's styles, written once (per theme) under its class: as the list's `sx` they were
 * serialised again each time the list rendered, i.e. on every selection change.
 */
const ListStyles = memo(function ListStyles() {
  return <GlobalStyles styles={(theme) => ({ '.conversation-list': theme.unstable_sx(listStyles(theme)) })} />;
});

/** Every row's styles, once for the whole list. */
const listStyles = (theme: Theme) =>
  ({
    overflowX: 'auto',
    border: 1,
    borderColor: 'divider',
    borderRadius: 1,
    '& .list-table': { minWidth: 706 },
    '& .visually-hidden': visuallyHidden,
    '& .list-row': { display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', px: 1, borderBottom: `1px solid ${theme.palette.divider}` },
    '& .list-head': { py: 0.75, bgcolor: 'action.hover', ...theme.typography.caption, fontWeight: 600 },
    '& .list-body': { overflowY: 'auto', position: 'relative' },
    '& .list-canvas': { position: 'relative' },
    '& .list-item': { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, ...theme.typography.body2 },
    '& .list-item[aria-selected="true"]': { bgcolor: 'action.selected' },
    '& .list-cell': { minWidth: 0, px: 0.5 },
    '& .cell-type': { display: 'flex', alignItems: 'center', gap: 0.5 },
    '& .row-box': { width: 18, height: 18, m: '11px', display: 'block', cursor: 'pointer', accentColor: theme.palette.primary.main },
    '& .row-box:disabled': { cursor: 'default' },
    '& .row-box:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
    '& .row-glyph': { fontSize: 20, flexShrink: 0, color: theme.palette.action.active },
    '& .row-pin': { fontSize: 20, color: theme.palette.primary.main },
    '& .line': { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
    '& .no-name': { fontStyle: 'italic', color: 'text.secondary' },
    '& .muted': { color: 'text.secondary' },
    '& .row-changed': { ...theme.typography.caption, color: 'text.secondary' },
    '& .chip-group': { ml: 0.5, height: 18, lineHeight: '16px', bgcolor: 'transparent', borderColor: theme.palette.divider },
    '& .row-id': { ...theme.typography.caption, fontFamily: 'monospace', color: 'text.secondary' },
    '& .chips': { display: 'flex', gap: 0.5, flexWrap: 'nowrap', overflow: 'hidden' },
    '& .chips-shown': { display: 'flex', gap: 0.5, minWidth: 0, overflow: 'hidden' },
    // Chips too wide for the column share it (each shrinks, its name cut short with "…") rather than
    // the last ones being cut off unseen; "+N" keeps its size.
    '& .chip': {
      display: 'inline-flex',
      alignItems: 'center',
      flexShrink: 1,
      minWidth: 24,
      height: 24,
      px: 1,
      borderRadius: 12,
      whiteSpace: 'nowrap',
      ...theme.typography.caption,
      lineHeight: '22px',
      border: '1px solid transparent',
      bgcolor: 'action.selected',
      color: 'text.primary',
    },
    '& .chip-custom': { bgcolor: 'transparent', borderColor: theme.palette.secondary.main, color: theme.palette.mode === 'dark' ? theme.palette.secondary.light : theme.palette.secondary.dark },
    '& .chip-reserved': { bgcolor: 'transparent', borderColor: theme.palette.divider },
    '& .chip-glyph': { fontSize: 14, marginRight: '4px', flexShrink: 0 },
    // A standard bit's chip keeps room for its glyph (padding, border, glyph and its margin).
    '& .chip-standard': { minWidth: 36 },
    '& .chip-label': { minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' },
    '& .chip-star': { bgcolor: alpha(theme.palette.primary.main, 0.16) },
    '& .chip-visibilityOff': { bgcolor: alpha(theme.palette.warning.main, 0.2) },
    '& .chip-unfoldLess': { bgcolor: alpha(theme.palette.info.main, 0.16) },
    // The "+N" tooltip is placed against the Marks cell, not the chip: `.chips` clips what
    // overflows it, and would clip a tooltip placed inside it.
    '& .cell-marks': { position: 'relative' },
    // Each row is a stacking context of its own (it is moved into place): the row whose tooltip
    // shows goes above the rows after it.
    '& .list-item:hover, & .list-item:focus-within': { zIndex: 1 },
    '& .chip-more': { flexShrink: 0, font: 'inherit', cursor: 'default', borderColor: theme.palette.divider, bgcolor: 'transparent' },
    '& .chip-more:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 1 },
    '& .chip-tooltip': {
      display: 'none',
      position: 'absolute',
      zIndex: 2,
      right: 0,
      top: '100%',
      mt: 0.5,
      p: 1,
      width: 280,
      whiteSpace: 'normal',
      textAlign: 'left',
      borderRadius: 1,
      bgcolor: theme.palette.grey[800],
      color: theme.palette.common.white,
      ...theme.typography.caption,
    },
    '& .chip-more:hover .chip-tooltip, & .chip-more:focus .chip-tooltip': { display: 'block' },
    '& .chip-added': { ml: 1, height: 18, lineHeight: '16px', bgcolor: alpha(theme.palette.primary.main, 0.12) },
  }) as const;
