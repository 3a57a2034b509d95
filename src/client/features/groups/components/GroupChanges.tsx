// The conversation-group changes of one Chat user (create, rename, delete, add, remove), newest
// first, each with its Undo: they are audit entries like mark changes, but live beside them (the
// mark history's table has no place for a group), so History lists them when a Chat user is named.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { GroupAuditEntry } from '../../../../shared/api/groups';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useHasRole } from '../../../lib/session-context';
import { useGroupChanges, useRevertGroupChange } from '../api/groups-api';
import { changeProblem } from './ManageGroupsDialog';
import { shortId } from '../../../../shared/short-id';
import { shownReason } from '../../../entities/audit/model/reason-text';

type Translate = ReturnType<typeof useT>;

/** "Created group VIP with 2 conversations", in the person's language. */
export function describeGroupChange(entry: GroupAuditEntry, t: Translate, count: (value: number) => string): string {
  const name = entry.group.name;
  switch (entry.action) {
    case 'create':
      return t('history.group.create', { name, count: count(entry.conversations.length) });
    case 'rename':
      return t('history.group.rename', { name, newName: entry.newName ?? '' });
    case 'delete':
      return t('history.group.delete', { name, count: count(entry.conversations.length) });
    case 'add':
      return t('history.group.add', { name, count: count(entry.changed.length) });
    case 'remove':
      return t('history.group.remove', { name, count: count(entry.changed.length) });
  }
}

export function GroupChanges({ chatUser }: { chatUser: string }) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describe = useDescribeError();
  const canEdit = useHasRole('editor');
  const changes = useGroupChanges(chatUser);
  const revert = useRevertGroupChange(chatUser);
  const [undoing, setUndoing] = useState<GroupAuditEntry | null>(null);
  const entries = changes.data?.entries ?? [];
  // Nothing to say (no group changes, or none readable): the mark history stays the page.
  if (entries.length === 0) return null;

  const undo = (entry: GroupAuditEntry) => {
    setUndoing(null);
    revert.mutate(
      { entryId: entry.id, reason: `Undo: ${entry.reason ?? describeGroupChange(entry, t, format.number)}` },
      {
        onSuccess: (result) => {
          const problem = changeProblem(result, t);
          toast(problem === null ? { severity: 'success', message: t('history.group.undone') } : { severity: 'warning', message: problem });
        },
        onError: (error) => {
          const { sentence, requestId } = describe(error);
          toast({ severity: 'error', message: sentence, requestId });
        },
      },
    );
  };

  return (
    <Paper component="section" variant="outlined" aria-labelledby="group-changes-title" sx={{ p: 2, mb: 2 }}>
      <Typography variant="h6" component="h2" id="group-changes-title" gutterBottom>
        {t('history.group.title', { chatUser })}
      </Typography>
      <Stack component="ol" spacing={1} sx={{ listStyle: 'none', p: 0, m: 0 }}>
        {entries.map((entry) => (
          <Box component="li" key={entry.id} sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography variant="body2" component="span" sx={{ flexGrow: 1, minWidth: 240 }}>
              <time dateTime={entry.at}>{format.dateTime(entry.at)}</time> · {describeGroupChange(entry, t, format.number)} · {t('history.by', { staff: entry.staff })}
              {entry.reason ? ` · ${shownReason(entry, t)}` : ''}
              {entry.revertedBy ? ` · ${t('history.undoneBy', { id: shortId(entry.revertedBy) })}` : ''}
            </Typography>
            <Chip size="small" label={t(`history.status.${entry.status}`)} />
            {canEdit && entry.status === 'applied' && !entry.revertedBy ? (
              <Button size="small" onClick={() => setUndoing(entry)} disabled={revert.isPending} aria-label={t('history.group.undoNamed', { change: describeGroupChange(entry, t, format.number) })}>
                {t('history.undo')}
              </Button>
            ) : null}
          </Box>
        ))}
      </Stack>
      {undoing ? (
        <ConfirmDialog
          title={t('history.group.undoTitle')}
          body={describeGroupChange(undoing, t, format.number)}
          confirmLabel={t('history.confirmUndo')}
          onConfirm={() => undo(undoing)}
          onClose={() => setUndoing(null)}
        />
      ) : null}
    </Paper>
  );
}
