import Undo from '@mui/icons-material/Undo';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Fragment, memo } from 'react';
import { Link as RouterLink } from 'react-router';
import type { AuditEntry } from '../../../../shared/api/audit';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { describeChange } from '../../../entities/marks/model/preview';
import { conversationHistoryHref, historyHref } from '../../../entities/audit/model/filters';
import type { RequestGroup } from '../model/groups';
import { canUndo, STATUS_LABEL } from './AuditEntryCard';
import { EntryLinks } from './EntryLinks';
import { REASON_TEXT, shownReason } from '../../../entities/audit/model/reason-text';

type HistoryTableProps = {
  groups: readonly RequestGroup[];
  labeler: BitLabeler;
  canEdit: boolean;
  onUndo: (entry: AuditEntry) => void;
  onUndoRequest: (group: RequestGroup) => void;
};

const COLUMNS = 7;

/** The compact view: one row per entry; the entries of one request under a heading with "Undo request". */
export function HistoryTable({ groups, labeler, canEdit, onUndo, onUndoRequest }: HistoryTableProps) {
  const t = useT();
  return (
    <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
      <Table size="small" aria-label={t('history.table')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('history.col.when')}</TableCell>
            <TableCell>{t('history.col.status')}</TableCell>
            <TableCell>{t('history.col.conversation')}</TableCell>
            <TableCell>{t('history.col.change')}</TableCell>
            <TableCell>{t('history.col.reason')}</TableCell>
            <TableCell>{t('history.col.staff')}</TableCell>
            <TableCell>{t('history.col.links')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {groups.map((group) => (
            <Fragment key={`${group.requestId}:${group.entries[0]?.id ?? ''}`}>
              {group.entries.length > 1 ? <GroupHeading group={group} canEdit={canEdit} onUndoRequest={onUndoRequest} /> : null}
              {group.entries.map((entry) => (
                <EntryRow key={entry.id} entry={entry} labeler={labeler} canEdit={canEdit} onUndo={onUndo} grouped={group.entries.length > 1} />
              ))}
            </Fragment>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function GroupHeading({ group, canEdit, onUndoRequest }: { group: RequestGroup; canEdit: boolean; onUndoRequest: (group: RequestGroup) => void }) {
  const t = useT();
  return (
    <TableRow sx={{ bgcolor: 'action.hover' }}>
      <TableCell colSpan={COLUMNS} component="th" scope="rowgroup">
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <Link component={RouterLink} to={historyHref({ requestId: group.requestId })} variant="body2" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
            {t('history.requestGroup', { requestId: group.requestId, count: group.entries.length })}
          </Link>
          {canEdit && group.entries.some(canUndo) ? (
            <Button size="small" variant="outlined" startIcon={<Undo />} onClick={() => onUndoRequest(group)}>
              {t('history.undoRequest')}
            </Button>
          ) : null}
        </Box>
      </TableCell>
    </TableRow>
  );
}

type EntryRowProps = { entry: AuditEntry; labeler: BitLabeler; canEdit: boolean; onUndo: (entry: AuditEntry) => void; grouped: boolean };

const EntryRow = memo(function EntryRow({ entry, labeler, canEdit, onUndo, grouped }: EntryRowProps) {
  const t = useT();
  const format = useFormat();
  const change = describeChange(
    { setBits: entry.requested.setBits, clearBits: entry.requested.clearBits, ...(entry.requested.customMark === undefined ? {} : { customMark: entry.requested.customMark }) },
    labeler,
    t,
  );
  return (
    <TableRow data-status={entry.status} sx={{ verticalAlign: 'top', '& > td:first-of-type': grouped ? { pl: 3 } : {} }}>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>
        <time dateTime={entry.at} title={entry.at}>
          {format.dateTime(entry.at)}
        </time>
      </TableCell>
      <TableCell>
        <Chip size="small" variant="outlined" label={t(STATUS_LABEL[entry.status])} />
      </TableCell>
      <TableCell sx={{ overflowWrap: 'anywhere', minWidth: '8rem' }}>
        <Link component={RouterLink} to={conversationHistoryHref(entry.chatUser, entry.conversation)} variant="body2">
          {t('history.entryTitle', { type: t(entry.conversation.type === 'group' ? 'type.group' : 'type.c2c'), id: entry.conversation.id, chatUser: entry.chatUser })}
        </Link>
      </TableCell>
      <TableCell sx={{ minWidth: '10rem' }}>
        <Typography variant="body2">{change ?? '—'}</Typography>
      </TableCell>
      <TableCell sx={{ ...REASON_TEXT, minWidth: '8rem' }}>
        {entry.reason ? (
          <Typography variant="body2">{shownReason(entry, t)}</Typography>
        ) : (
          <Typography variant="body2" color="text.secondary" sx={{ fontStyle: 'italic' }}>
            {t('history.noReason')}
          </Typography>
        )}
      </TableCell>
      <TableCell>{entry.staff}</TableCell>
      <TableCell>
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 0.5, alignItems: 'flex-start' }}>
          {canEdit && canUndo(entry) ? (
            <Button size="small" variant="outlined" startIcon={<Undo />} onClick={() => onUndo(entry)}>
              {t('history.undo')}
            </Button>
          ) : null}
          <EntryLinks entry={entry} />
        </Box>
      </TableCell>
    </TableRow>
  );
});
