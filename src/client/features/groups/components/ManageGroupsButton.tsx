import Button from '@mui/material/Button';
import { useState } from 'react';
import type { Conversation } from '../../../../shared/marks/conversation';
import { useT } from '../../../lib/i18n/I18nProvider';
import { ManageGroupsDialog } from './ManageGroupsDialog';

/** "Manage groups" in the Marks list's toolbar: opens the dialog with the selected conversations. Editors only (the caller checks). */
export function ManageGroupsButton({ userId, selected }: { userId: string; selected: readonly Conversation[] }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('marks.manageGroups')}
      </Button>
      {open ? <ManageGroupsDialog userId={userId} selected={selected} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
