import PlaylistAddCheck from '@mui/icons-material/PlaylistAddCheck';
import Button from '@mui/material/Button';
import { memo } from 'react';
import { useNavigate } from 'react-router';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { bulkFileState } from '../model/bulk-file-state';
import { isSendableChange, type ChangeStore } from '../../../entities/marks/model/change-store';
import { jobCsvForChange } from '../../../entities/jobs/model/job-csv';

type BulkEditAllButtonProps = { userId: string; rows: readonly ConversationEntry[]; editorChange: ChangeStore };

/** A file name that says whose conversations it holds, safe on every file system. */
export function preparedFileName(userId: string, count: number): string {
  return `markdesk-${userId.replace(/[^A-Za-z0-9._-]+/g, '_')}-${count}.csv`;
}

/**
 * On the Marks page: the editor's current change for every conversation matching the filters, as a
 * job file built here and opened on the Bulk page, which checks it. Nothing runs until Start.
 * Memoised: its props stay while rows are selected, and it reads the editor's change only when
 * pressed, so a bit toggled or a key typed in the editor does not render it again.
 */
export const BulkEditAllButton = memo(function BulkEditAllButton({ userId, rows, editorChange }: BulkEditAllButtonProps) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const navigate = useNavigate();
  const open = () => {
    const change = editorChange.get();
    if (!isSendableChange(change)) {
      toast({ severity: 'info', message: t('list.bulkEditHint') });
      return;
    }
    const text = jobCsvForChange(
      userId,
      rows.map((row) => row.conversation),
      change,
    );
    void navigate('/bulk', { state: bulkFileState({ name: preparedFileName(userId, rows.length), text }) });
  };

  return (
    <Button size="small" startIcon={<PlaylistAddCheck />} onClick={open} disabled={rows.length === 0}>
      {t('list.bulkEditAll', { count: format.number(rows.length) })}
    </Button>
  );
});
