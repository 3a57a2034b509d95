import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import { useState } from 'react';
import { useT } from '../../lib/i18n/I18nProvider';
import { useMarksLocation } from '../../features/marks/hooks/use-marks-location';
import { ChatUserField } from '../../entities/chat-users/components/ChatUserField';
import { ChatUserWorkspace } from '../../features/marks/components/ChatUserWorkspace';
import { EditorSlot, EditorSlotTarget } from '../../features/marks/components/EditorPanel';
import type { WorkspaceSlots } from '../../features/marks/components/workspace-slots';
import { BulkEditAllButton } from '../../features/bulk/components/BulkEditAllButton';
import { EditorGroupActions } from '../../features/groups/components/EditorGroupActions';
import { ManageGroupsButton } from '../../features/groups/components/ManageGroupsButton';
import { PageHeader } from '../../components/PageHeader';

// The Marks page puts three features side by side: the marks workspace, Bulk's "edit all matching"
// (the editor's change as a job file) and the conversation groups (manage them; add or remove the
// editor's conversations). Fixed here, so the workspace's memoised parts stay put.
const WORKSPACE_SLOTS: WorkspaceSlots = {
  matchingRowsAction: (props) => <BulkEditAllButton {...props} />,
  selectionAction: (props) => <ManageGroupsButton {...props} />,
  editorActions: (props) => <EditorGroupActions {...props} />,
};

const WORKSPACE_COLUMNS = { lg: 'minmax(0, 1fr) minmax(400px, 460px)', xl: 'minmax(0, 1fr) minmax(460px, 540px)' } as const;

/** Marks (home): `/marks?user=minji.kim&type=group&bit=32&group=3&q=text`. */
export default function MarksPage() {
  const t = useT();
  const [location, updateLocation] = useMarksLocation();

  const [editorSlot, setEditorSlot] = useState<HTMLElement | null>(null);

  return (
    <Box>
      <PageHeader title={t('marks.title')} intro={t('marks.intro')} />
      {/* Wide: the Chat user field and the list on the left, the editor beside them from the top (its
          slot). Narrower: one column, the editor a sheet at the bottom — a block, not a grid, so the
          sheet can stick to the window's bottom edge (see EditorPanel). */}
      <Box sx={{ display: { xs: 'block', lg: location.user ? 'grid' : 'block' }, gap: 2, gridTemplateColumns: WORKSPACE_COLUMNS, alignItems: 'start' }}>
        <Box sx={{ minWidth: 0 }}>
          <ChatUserField userId={location.user} onLoad={(user) => updateLocation({ user, q: '', type: null, bit: null, group: null })} />
          <Box sx={{ mt: 3 }}>
            {location.user ? (
              <EditorSlot.Provider value={editorSlot}>
                {/* Keyed by user: selection, added conversations and results belong to one chat user. */}
                <ChatUserWorkspace
                  key={location.user}
                  userId={location.user}
                  filters={location}
                  onFiltersChange={(change) => updateLocation(change, { replace: true })}
                  slots={WORKSPACE_SLOTS}
                />
              </EditorSlot.Provider>
            ) : (
              <Typography color="text.secondary">{t('marks.start')}</Typography>
            )}
          </Box>
        </Box>
        <EditorSlotTarget onElement={setEditorSlot} />
      </Box>
    </Box>
  );
}
