import Groups from '@mui/icons-material/Groups';
import Person from '@mui/icons-material/Person';
import PushPin from '@mui/icons-material/PushPin';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useRef, type ChangeEvent } from 'react';
import { isReadOnlyEntry, type ConversationEntry } from '../../../../shared/api/chat-users';
import { conversationKey } from '../../../../shared/marks/conversation';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../model/bit-labels';
import { MarkChips } from './MarkChips';
import { visuallyHidden } from '../../../components/visually-hidden';

export const ROW_HEIGHT = 56;
const LIST_HEIGHT = 480;
const COLUMNS = '48px 120px minmax(180px, 1.4fr) 64px 150px minmax(160px, 1.2fr) minmax(120px, 1fr)';

// A scroll container that is not laid out yet (or a test DOM) measures 0 × 0; render a first
// screenful instead of nothing, and let the real size take over as soon as it is known.
function observeRectWithFallback(instance: Virtualizer<HTMLDivElement, Element>, callback: (rect: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => callback(rect.height === 0 ? { width: rect.width, height: LIST_HEIGHT } : rect));
}

type ConversationListProps = {
  label: string;
  rows: readonly ConversationEntry[];
  selected: ReadonlySet<string>;
  addedKeys: ReadonlySet<string>;
  onToggle: (index: number, shiftKey: boolean) => void;
  labeler: BitLabeler;
};

/** Virtualised: only the visible rows (plus a few) are in the DOM, so 2,000 conversations scroll smoothly. */
export function ConversationList({ label, rows, selected, addedKeys, onToggle, labeler }: ConversationListProps) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is a mutable object by design; this component does not rely on compiler memoisation.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => conversationKey((rows[index] as ConversationEntry).conversation),
    observeElementRect: observeRectWithFallback,
  });

  const headers = [t('list.colSelect'), t('list.colType'), t('list.colConversation'), t('list.colPinned'), t('list.colLastMessage'), t('list.colMarks'), t('list.colCustomMark')];

  return (
    <Box sx={{ overflowX: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
      <Box role="table" aria-label={label} aria-rowcount={rows.length + 1} sx={{ minWidth: 900 }}>
        <Box role="rowgroup">
          <Box role="row" aria-rowindex={1} sx={{ display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', px: 1, py: 0.75, borderBottom: 1, borderColor: 'divider', bgcolor: 'action.hover' }}>
            {headers.map((header, index) => (
              <Typography key={header} role="columnheader" variant="caption" sx={{ fontWeight: 600, px: 0.5 }}>
                {/* The checkbox column keeps its grid cell; only its name is visually hidden. */}
                {index === 0 ? <Box component="span" sx={visuallyHidden}>{header}</Box> : header}
              </Typography>
            ))}
          </Box>
        </Box>
        {/* Sizes and positions go through `style` (set by React through the CSSOM): as sx they would
            mint a new CSS class for every scroll position. */}
        <Box
          ref={scrollRef}
          role="rowgroup"
          sx={{ overflowY: 'auto', position: 'relative' }}
          style={{ height: Math.min(LIST_HEIGHT, Math.max(rows.length, 1) * ROW_HEIGHT) }}
        >
          <Box role="presentation" sx={{ position: 'relative' }} style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const entry = rows[item.index] as ConversationEntry;
              const key = conversationKey(entry.conversation);
              return (
                <ConversationRow
                  key={key}
                  entry={entry}
                  index={item.index}
                  top={item.start}
                  selected={selected.has(key)}
                  added={addedKeys.has(key)}
                  onToggle={onToggle}
                  labeler={labeler}
                />
              );
            })}
          </Box>
        </Box>
      </Box>
    </Box>
  );
}

type ConversationRowProps = {
  entry: ConversationEntry;
  index: number;
  top: number;
  selected: boolean;
  added: boolean;
  onToggle: (index: number, shiftKey: boolean) => void;
  labeler: BitLabeler;
};

const ConversationRow = memo(function ConversationRow({ entry, index, top, selected, added, onToggle, labeler }: ConversationRowProps) {
  const t = useT();
  const format = useFormat();
  const { conversation } = entry;
  const readOnly = isReadOnlyEntry(entry);

  // React reports a checkbox's change from its click, so the native event carries the Shift key.
  const onChange = useCallback((event: ChangeEvent<HTMLInputElement>) => onToggle(index, (event.nativeEvent as MouseEvent).shiftKey === true), [onToggle, index]);

  return (
    <Box
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      sx={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        display: 'grid',
        gridTemplateColumns: COLUMNS,
        alignItems: 'center',
        px: 1,
        borderBottom: 1,
        borderColor: 'divider',
        bgcolor: selected ? 'action.selected' : undefined,
      }}
      style={{ transform: `translateY(${top}px)` }}
    >
      {/* A read-only row (an ID over Chat's limit) cannot be selected; the cell says why on hover. */}
      <Box role="cell" title={readOnly ? t('list.readOnlyId') : undefined}>
        <Checkbox
          size="small"
          checked={selected}
          onChange={onChange}
          disabled={readOnly}
          slotProps={{ input: { 'aria-label': readOnly ? `${t('list.selectRow', { id: conversation.id })}: ${t('list.readOnlyId')}` : t('list.selectRow', { id: conversation.id }) } }}
        />
      </Box>
      <Box role="cell" sx={{ display: 'flex', alignItems: 'center', gap: 0.5, px: 0.5 }}>
        {conversation.type === 'group' ? <Groups fontSize="small" color="action" aria-hidden /> : <Person fontSize="small" color="action" aria-hidden />}
        <Typography variant="body2">{t(conversation.type === 'group' ? 'type.group' : 'type.c2c')}</Typography>
      </Box>
      <Box role="cell" sx={{ minWidth: 0, px: 0.5 }}>
        <Typography variant="body2" noWrap sx={entry.name === null ? { fontStyle: 'italic', color: 'text.secondary' } : undefined}>
          {entry.name ?? t('list.noName')}
          {added ? <Chip component="span" size="small" label={t('list.added')} sx={{ ml: 1, height: 18 }} /> : null}
        </Typography>
        <Typography
          variant="caption"
          color="text.secondary"
          noWrap
          component="div"
          sx={{ fontFamily: 'monospace' }}
          title={readOnly ? t('list.readOnlyId') : entry.inRecentList ? undefined : t('list.notRecent')}
        >
          {conversation.id}
          {entry.inRecentList || added ? '' : ` · ${t('list.notRecent')}`}
          {readOnly ? ` · ${t('list.readOnly')}` : ''}
        </Typography>
      </Box>
      <Box role="cell" sx={{ px: 0.5 }}>
        {entry.pinned ? <PushPin fontSize="small" color="primary" titleAccess={t('list.pinned')} /> : null}
      </Box>
      <Box role="cell" sx={{ px: 0.5 }}>
        {entry.lastMessageAt ? (
          <Typography variant="body2" component="time" dateTime={entry.lastMessageAt} title={format.dateTime(entry.lastMessageAt)}>
            {format.relativeTime(entry.lastMessageAt)}
          </Typography>
        ) : (
          <Typography variant="body2" color="text.secondary">
            {t('list.noMessage')}
          </Typography>
        )}
      </Box>
      <Box role="cell" sx={{ minWidth: 0, px: 0.5 }}>
        <MarkChips bits={entry.bits} labeler={labeler} />
      </Box>
      <Box role="cell" sx={{ minWidth: 0, px: 0.5 }}>
        <Typography variant="body2" noWrap title={entry.customMark}>
          {entry.customMark}
        </Typography>
      </Box>
    </Box>
  );
});

