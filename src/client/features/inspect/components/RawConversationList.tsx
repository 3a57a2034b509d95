import FolderOutlined from '@mui/icons-material/FolderOutlined';
import Groups from '@mui/icons-material/Groups';
import Person from '@mui/icons-material/Person';
import PushPin from '@mui/icons-material/PushPin';
import Visibility from '@mui/icons-material/Visibility';
import VisibilityOff from '@mui/icons-material/VisibilityOff';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { memo, type ReactElement } from 'react';
import { bitGroup } from '../../../../shared/marks/bits';
import { conversationKey } from '../../../../shared/marks/conversation';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import type { AppPresence } from '../model/app-presence';
import type { PreviewEntry } from '../model/what-if';
import { RowWindow } from './RowWindow';
import { visuallyHidden } from '../../../components/visually-hidden';
import { useDeferredTitle } from '../../../components/deferred-title';

export const RAW_ROW_HEIGHT = 64;
const LIST_HEIGHT = 560;

const PRESENCE_LABEL: Record<AppPresence, PlainMessageKey> = {
  shown: 'inspect.presence.shown',
  folded: 'inspect.presence.folded',
  hidden: 'inspect.presence.hidden',
  notListed: 'inspect.presence.notListed',
};
// An icon, not a colour, tells them apart: coloured chip text loses its contrast on a chosen row.
const PRESENCE_ICON: Record<AppPresence, ReactElement | undefined> = {
  shown: <Visibility />,
  folded: <FolderOutlined />,
  hidden: <VisibilityOff />,
  notListed: undefined,
};

type RawConversationListProps = {
  entries: readonly PreviewEntry[];
  presence: ReadonlyMap<string, AppPresence>;
  labeler: BitLabeler;
  /** In what-if mode each row can be chosen. */
  choosing: boolean;
  chosen: ReadonlySet<string>;
  onChoose: (key: string) => void;
};

/** Every conversation with every bit set (reserved ones too), the custom mark, and where the app puts it. */
export function RawConversationList({ entries, presence, labeler, choosing, chosen, onChoose }: RawConversationListProps) {
  const t = useT();
  const columns = choosing ? `40px ${COLUMNS}` : COLUMNS;
  const headers = [
    ...(choosing ? [t('inspect.colChoose')] : []),
    t('list.colConversation'),
    t('list.colLastMessage'),
    t('inspect.colMarks'),
    t('inspect.colInApp'),
  ];
  return (
    <Box sx={{ overflowX: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
      <Box role="table" aria-label={t('inspect.rawTable')} aria-rowcount={entries.length + 1} sx={{ minWidth: choosing ? 600 : 560 }}>
        <Box role="rowgroup">
          <Box role="row" aria-rowindex={1} sx={{ display: 'grid', gridTemplateColumns: columns, alignItems: 'center', px: 1, py: 0.75, borderBottom: 1, borderColor: 'divider', bgcolor: 'action.hover' }}>
            {headers.map((header, index) => (
              <Typography key={header} role="columnheader" variant="caption" sx={{ fontWeight: 600, px: 0.5 }}>
                {/* The checkbox column keeps its grid cell; only its name is for screen readers. */}
                {choosing && index === 0 ? (
                  <Box component="span" sx={visuallyHidden}>
                    {header}
                  </Box>
                ) : (
                  header
                )}
              </Typography>
            ))}
          </Box>
        </Box>
        <RowWindow
          role="rowgroup"
          count={entries.length}
          maxHeight={LIST_HEIGHT}
          rowHeight={() => RAW_ROW_HEIGHT}
          rowKey={(index) => conversationKey((entries[index] as PreviewEntry).conversation)}
          renderRow={(index) => {
            const entry = entries[index] as PreviewEntry;
            const key = conversationKey(entry.conversation);
            return (
              <RawRow
                entry={entry}
                index={index}
                presence={presence.get(key) ?? 'notListed'}
                labeler={labeler}
                columns={columns}
                choosing={choosing}
                chosen={chosen.has(key)}
                onChoose={onChoose}
              />
            );
          }}
        />
      </Box>
    </Box>
  );
}

const COLUMNS = 'minmax(150px, 1.3fr) 96px minmax(150px, 1.4fr) 104px';

type RawRowProps = {
  entry: PreviewEntry;
  index: number;
  presence: AppPresence;
  labeler: BitLabeler;
  columns: string;
  choosing: boolean;
  chosen: boolean;
  onChoose: (key: string) => void;
};

const RawRow = memo(function RawRow({ entry, index, presence, labeler, columns, choosing, chosen, onChoose }: RawRowProps) {
  const t = useT();
  const format = useFormat();
  const exactTime = useDeferredTitle(() => (entry.lastMessageAt === null ? '' : format.dateTime(entry.lastMessageAt)));
  const { conversation } = entry;
  const key = conversationKey(conversation);
  return (
    <Box
      role="row"
      aria-rowindex={index + 2}
      data-conversation={key}
      sx={{
        minHeight: RAW_ROW_HEIGHT,
        py: 0.5,
        display: 'grid',
        gridTemplateColumns: columns,
        alignItems: 'center',
        px: 1,
        borderBottom: 1,
        borderColor: 'divider',
        bgcolor: chosen ? 'action.selected' : undefined,
        // A row the what-if changed: an edge, so chips and text keep their contrast.
        borderLeft: 4,
        borderLeftColor: entry.whatIfChanged ? 'warning.main' : 'transparent',
      }}
    >
      {choosing ? (
        <Box role="cell">
          <Checkbox size="small" checked={chosen} onChange={() => onChoose(key)} slotProps={{ input: { 'aria-label': t('inspect.chooseRow', { id: conversation.id }) } }} />
        </Box>
      ) : null}
      <Box role="cell" sx={{ minWidth: 0, px: 0.5 }}>
        <Typography variant="body2" noWrap sx={{ display: 'flex', alignItems: 'center', gap: 0.5, ...(entry.name === null ? { fontStyle: 'italic' } : {}) }}>
          {conversation.type === 'group' ? (
            <Groups fontSize="inherit" titleAccess={t('type.group')} />
          ) : (
            <Person fontSize="inherit" titleAccess={t('type.c2c')} />
          )}
          <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {entry.name ?? t('list.noName')}
          </Box>
          {entry.pinned ? <PushPin fontSize="inherit" color="primary" titleAccess={t('list.pinned')} /> : null}
        </Typography>
        <Typography variant="caption" noWrap component="div" sx={{ fontFamily: 'monospace', opacity: 0.8 }}>
          {conversation.id}
        </Typography>
      </Box>
      <Box role="cell" sx={{ px: 0.5 }}>
        {entry.lastMessageAt ? (
          <Typography variant="body2" component="time" dateTime={entry.lastMessageAt} {...exactTime}>
            {format.relativeTime(entry.lastMessageAt)}
          </Typography>
        ) : (
          <Typography variant="body2" sx={{ opacity: 0.8 }}>
            {t('list.noMessage')}
          </Typography>
        )}
      </Box>
      <Box role="cell" sx={{ minWidth: 0, px: 0.5 }}>
        <BitChips bits={entry.bits} labeler={labeler} />
        {entry.customMark !== '' ? (
          <Typography variant="caption" noWrap component="div" title={entry.customMark}>
            {t('history.quoted', { value: entry.customMark })}
          </Typography>
        ) : null}
      </Box>
      <Box role="cell" sx={{ px: 0.5 }}>
        <Chip size="small" variant={presence === 'shown' ? 'filled' : 'outlined'} icon={PRESENCE_ICON[presence]} label={t(PRESENCE_LABEL[presence])} />
        {entry.whatIfChanged ? (
          <Typography variant="caption" component="div" sx={{ fontWeight: 600, mt: 0.25 }}>
            {t('inspect.whatIfChangedRow')}
          </Typography>
        ) : null}
      </Box>
    </Box>
  );
});

/** Every set bit, wrapping: this list is where all of them are seen at once. */
function BitChips({ bits, labeler }: { bits: readonly number[]; labeler: BitLabeler }) {
  return (
    <Box component="span" sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
      {bits.map((bit) => (
        <Chip
          key={bit}
          size="small"
          variant={bitGroup(bit) === 'standard' ? 'filled' : 'outlined'}
          color={bitGroup(bit) === 'custom' ? 'secondary' : 'default'}
          label={labeler.shortName(bit)}
          title={labeler.accessibleName(bit)}
          sx={{ maxWidth: '100%' }}
        />
      ))}
    </Box>
  );
}

