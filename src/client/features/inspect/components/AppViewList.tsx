import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import FolderOutlined from '@mui/icons-material/FolderOutlined';
import Groups from '@mui/icons-material/Groups';
import PushPin from '@mui/icons-material/PushPin';
import Star from '@mui/icons-material/Star';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import type { AppViewConversation, AppViewFolded, AppViewRow } from '../../../../shared/marks/app-view';
import { conversationKey } from '../../../../shared/marks/conversation';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { PreviewEntry } from '../model/what-if';
import { RowWindow } from './RowWindow';
import { visuallyHidden } from '../../../components/visually-hidden';
import { useDeferredTitle } from '../../../components/deferred-title';

const ROW_HEIGHT = 60;
const LIST_HEIGHT = 560;

type Item =
  | { kind: 'conversation'; row: AppViewConversation<PreviewEntry>; inFolder: boolean }
  | { kind: 'folded'; row: AppViewFolded<PreviewEntry> };

/** The rows in display order; the folded conversations follow their row when it is open. */
function flatten(rows: readonly AppViewRow<PreviewEntry>[], open: boolean): Item[] {
  const items: Item[] = [];
  for (const row of rows) {
    if (row.kind === 'conversation') items.push({ kind: 'conversation', row, inFolder: false });
    else {
      items.push({ kind: 'folded', row });
      if (open) for (const folded of row.conversations) items.push({ kind: 'conversation', row: folded, inFolder: true });
    }
  }
  return items;
}

const itemKey = (item: Item) => (item.kind === 'folded' ? 'folded' : conversationKey(item.row.conversation.conversation));

/**
 * The conversation list as Tencent's UIKit would draw it: hidden ones gone, collapsed ones behind one
 * "Folded conversations (N)" row that opens, the unread mark as a red dot without a number,
 * favourites starred, pinned on top.
 */
export function AppViewList({ rows }: { rows: readonly AppViewRow<PreviewEntry>[] }) {
  const t = useT();
  const [folderOpen, setFolderOpen] = useState(false);
  const items = useMemo(() => flatten(rows, folderOpen), [rows, folderOpen]);
  if (items.length === 0) {
    return (
      <Typography color="text.secondary" sx={{ p: 3, textAlign: 'center' }}>
        {t('inspect.appEmpty')}
      </Typography>
    );
  }
  return (
    <RowWindow
      role="list"
      label={t('inspect.appList')}
      count={items.length}
      maxHeight={LIST_HEIGHT}
      rowHeight={() => ROW_HEIGHT}
      rowKey={(index) => itemKey(items[index] as Item)}
      renderRow={(index) => {
        const item = items[index] as Item;
        return item.kind === 'folded' ? (
          <FoldedRow row={item.row} open={folderOpen} onToggle={() => setFolderOpen(!folderOpen)} />
        ) : (
          <ConversationRow row={item.row} inFolder={item.inFolder} />
        );
      }}
    />
  );
}

const rowStyle = {
  height: ROW_HEIGHT,
  display: 'flex',
  alignItems: 'center',
  gap: 1.5,
  px: 1.5,
  borderBottom: 1,
  borderColor: 'divider',
} as const;

function Avatar({ letter, group }: { letter: string; group: boolean }) {
  return (
    <Box
      aria-hidden
      sx={{ width: 40, height: 40, flexShrink: 0, borderRadius: '50%', display: 'grid', placeItems: 'center', bgcolor: group ? 'primary.main' : 'secondary.main', color: group ? 'primary.contrastText' : 'secondary.contrastText', fontWeight: 600 }}
    >
      {group ? <Groups fontSize="small" /> : letter}
    </Box>
  );
}

function UnreadDot() {
  const t = useT();
  return <Box role="img" aria-label={t('inspect.unreadDot')} title={t('inspect.unreadDot')} sx={{ width: 10, height: 10, borderRadius: '50%', bgcolor: 'error.main', flexShrink: 0 }} />;
}

function TimeText({ iso }: { iso: string | null }) {
  const format = useFormat();
  const exactTime = useDeferredTitle(() => (iso === null ? '' : format.dateTime(iso)));
  if (!iso) return null;
  return (
    <Typography variant="caption" color="text.secondary" component="time" dateTime={iso} {...exactTime} noWrap>
      {format.relativeTime(iso)}
    </Typography>
  );
}

function ConversationRow({ row, inFolder }: { row: AppViewConversation<PreviewEntry>; inFolder: boolean }) {
  const t = useT();
  const entry = row.conversation;
  const name = entry.name ?? entry.conversation.id;
  return (
    <Box
      role="listitem"
      data-conversation={conversationKey(entry.conversation)}
      sx={{ ...rowStyle, pl: inFolder ? 5 : 1.5, bgcolor: entry.pinned ? 'action.hover' : undefined, borderLeft: 4, borderLeftColor: entry.whatIfChanged ? 'warning.main' : 'transparent' }}
    >
      <Avatar letter={[...name][0]?.toUpperCase() ?? '?'} group={entry.conversation.type === 'group'} />
      <Box sx={{ minWidth: 0, flexGrow: 1 }}>
        <Typography variant="body2" noWrap sx={{ fontWeight: 600, display: 'flex', alignItems: 'center', gap: 0.5 }}>
          <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {name}
          </Box>
          {row.starred ? <Star fontSize="inherit" sx={{ color: 'warning.main' }} titleAccess={t('bit.favourite')} /> : null}
          {entry.pinned ? <PushPin fontSize="inherit" color="primary" titleAccess={t('list.pinned')} /> : null}
        </Typography>
        <Typography variant="caption" color="text.secondary" noWrap component="div" sx={{ fontFamily: 'monospace' }}>
          {entry.conversation.id}
          {inFolder ? <Box component="span" sx={visuallyHidden}>{` · ${t('inspect.inFolder')}`}</Box> : null}
          {entry.whatIfChanged ? ` · ${t('inspect.whatIfChangedRow')}` : ''}
        </Typography>
      </Box>
      <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-end', gap: 0.5, flexShrink: 0 }}>
        <TimeText iso={entry.lastMessageAt} />
        {row.unreadDot ? <UnreadDot /> : null}
      </Box>
    </Box>
  );
}

function FoldedRow({ row, open, onToggle }: { row: AppViewFolded<PreviewEntry>; open: boolean; onToggle: () => void }) {
  const t = useT();
  return (
    <Box role="listitem" sx={rowStyle}>
      <Box aria-hidden sx={{ width: 40, height: 40, flexShrink: 0, borderRadius: '50%', display: 'grid', placeItems: 'center', bgcolor: 'action.selected' }}>
        <FolderOutlined />
      </Box>
      <ButtonBase
        onClick={onToggle}
        aria-expanded={open}
        sx={{ flexGrow: 1, justifyContent: 'flex-start', gap: 0.5, borderRadius: 1, py: 1, typography: 'body2', fontWeight: 600, textAlign: 'left' }}
      >
        {t('inspect.folded', { count: row.conversations.length })}
        {open ? <ExpandLess fontSize="small" /> : <ExpandMore fontSize="small" />}
      </ButtonBase>
      <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-end', gap: 0.5, flexShrink: 0 }}>
        <TimeText iso={row.lastMessageAt} />
        {row.unreadDot ? <UnreadDot /> : null}
      </Box>
    </Box>
  );
}

