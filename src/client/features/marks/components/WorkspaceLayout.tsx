import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { EditorPanel } from './EditorPanel';

type WorkspaceLayoutProps = {
  userId: string;
  /** Alerts above everything (read-only, a draft from Inspect). */
  notices: ReactNode;
  filters: ReactNode;
  counts: { shown: number; total: number; selected: number };
  /** The buttons of the list's toolbar. */
  actions: ReactNode;
  /** The list, or null when no row is shown (then `emptyText` says why). */
  list: ReactNode;
  emptyText: string;
  /** Below the list: selecting by paste, adding a conversation (editors only). */
  tools: ReactNode;
  editorCount: number;
  /** The editor, and what stands in for it while nothing is selected (NothingSelected). */
  editor: ReactNode;
  /** Below the editor: the last change, the results of the last save, confirmations. */
  editorNotes: ReactNode;
};

/** Where the parts of a Chat user's workspace go on the Marks page; it holds no state. */
export function WorkspaceLayout({ userId, notices, filters, counts, actions, list, emptyText, tools, editorCount, editor, editorNotes }: WorkspaceLayoutProps) {
  const t = useT();
  const format = useFormat();
  return (
    <Box>
      {notices}
      {/* The editor goes to the page's editor slot (beside the list on wide screens, a sheet below it otherwise). */}
      <Box>
        <Box component="section" aria-labelledby="conversations-title" sx={{ minWidth: 0 }}>
          <Typography variant="h6" component="h2" id="conversations-title" sx={{ mb: 1, overflowWrap: 'anywhere' }}>
            {t('marks.userHeading', { userId })}
          </Typography>
          {filters}
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
            <Typography variant="body2" role="status">
              {t('list.count', { shown: format.number(counts.shown), total: format.number(counts.total) })} ·{' '}
              {t('list.selectedCount', { count: format.number(counts.selected) })}
            </Typography>
            <Box sx={{ flexGrow: 1 }} />
            {actions}
          </Stack>
          {list ?? (
            <Paper variant="outlined" sx={{ p: 3, textAlign: 'center' }}>
              <Typography color="text.secondary">{emptyText}</Typography>
            </Paper>
          )}
          <Typography variant="caption" color="text.secondary">
            {t('list.rangeHint')}
          </Typography>
          {tools === null ? null : (
            <Box sx={{ mt: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) minmax(0, 1fr)' } }}>{tools}</Box>
          )}
        </Box>
        <EditorPanel count={editorCount}>
          {editor}
          {editorNotes}
        </EditorPanel>
      </Box>
    </Box>
  );
}

/** The editor's place while nothing is selected. */
export function NothingSelected() {
  const t = useT();
  return (
    <Paper variant="outlined" sx={{ p: 3 }}>
      <Typography variant="h6" component="h2" gutterBottom>
        {t('editor.title')}
      </Typography>
      <Typography color="text.secondary">{t('editor.nothingSelected')}</Typography>
    </Paper>
  );
}
