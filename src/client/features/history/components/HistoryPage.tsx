import Download from '@mui/icons-material/Download';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { AuditEntry } from '../../../../shared/api/audit';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { QueryState } from '../../../components/QueryState';
import { useT } from '../../../lib/i18n/I18nProvider';
import { readPreference, writePreference } from '../../../lib/storage';
import { useHasRole } from '../../../lib/session-context';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { auditEntriesQueryOptions } from '../api/get-audit';
import { auditExportHref, historySearchParams, isDateRangeInverted, parseHistoryFilters, type HistoryFilters } from '../../../entities/audit/model/filters';
import { groupByRequest, type RequestGroup } from '../model/groups';
import { AuditEntryCard } from './AuditEntryCard';
import { HistoryFilterBar } from './HistoryFilterBar';
import { HistoryTable } from './HistoryTable';
import { UndoDialog } from './UndoDialog';
import { UndoRequestDialog } from './UndoRequestDialog';

type HistoryView = 'cards' | 'table';
const VIEW_PREFERENCE = 'historyView';

function rememberedView(): HistoryView {
  return readPreference(VIEW_PREFERENCE) === 'table' ? 'table' : 'cards';
}
import { focusPageTitle, PageHeader } from '../../../components/PageHeader';

/** History (audit log): `/history?chatUser=…&conversationType=…&conversationId=…&staff=…&status=…&from=…&to=…&reason=…&jobId=…&requestId=…&entryId=…&match=exact`. */
export function HistoryPage({ chatUserPanel }: { chatUserPanel?: (chatUser: string) => ReactNode }) {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => parseHistoryFilters(searchParams), [searchParams]);
  const inverted = isDateRangeInverted(filters);
  const [view, setView] = useState<HistoryView>(rememberedView);
  const changeView = (next: HistoryView | null) => {
    if (next === null) return;
    setView(next);
    writePreference(VIEW_PREFERENCE, next);
  };

  return (
    <Box>
      <PageHeader title={t('history.title')} intro={t('history.intro')} />
      <HistoryFilterBar filters={filters} onApply={(next) => setSearchParams(historySearchParams(next))} />
      {/* About a named Chat user, above the mark history (their conversation-group changes: app/routes/HistoryPage.tsx). */}
      {filters.chatUser.trim() !== '' ? chatUserPanel?.(filters.chatUser.trim()) : null}
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 2 }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          {t('history.entries')}
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={view} onChange={(_event, next: HistoryView | null) => changeView(next)} aria-label={t('history.view')}>
          <ToggleButton value="table">{t('history.viewTable')}</ToggleButton>
          <ToggleButton value="cards">{t('history.viewCards')}</ToggleButton>
        </ToggleButtonGroup>
        {/* A plain link: the browser downloads with the session cookie, streaming every matching row. */}
        <Button component="a" href={auditExportHref(filters)} download variant="outlined" startIcon={<Download />}>
          {t('history.exportCsv')}
        </Button>
      </Stack>
      {inverted ? (
        <Alert severity="warning">{t('history.invertedRange')}</Alert>
      ) : (
        <AuditEntries filters={filters} view={view} />
      )}
    </Box>
  );
}

function AuditEntries({ filters, view }: { filters: HistoryFilters; view: HistoryView }) {
  const t = useT();
  const labeler = useBitLabeler();
  const canEdit = useHasRole('editor');
  const query = useInfiniteQuery(auditEntriesQueryOptions(filters));
  const [undoing, setUndoing] = useState<AuditEntry | null>(null);
  const onUndo = useCallback((entry: AuditEntry) => setUndoing(entry), []);
  const [undoingRequest, setUndoingRequest] = useState<RequestGroup | null>(null);
  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.entries) ?? [], [query.data]);
  const groups = useMemo(() => groupByRequest(entries), [entries]);

  // A failed "Load more" keeps the pages already loaded (below); only a failed first page replaces them.
  return (
    <QueryState query={query} pending={<PageSkeleton rows={6} />} keepDataOnError isEmpty={() => entries.length === 0} empty={t('history.empty')}>
      {() => (
        <Box>
          <Typography variant="body2" role="status" sx={{ mb: 1 }}>
            {query.hasNextPage ? t('history.countMore', { count: entries.length }) : entries.length === 1 ? t('history.countOne') : t('history.count', { count: entries.length })}
          </Typography>
          {view === 'table' ? (
            <HistoryTable groups={groups} labeler={labeler} canEdit={canEdit} onUndo={onUndo} onUndoRequest={setUndoingRequest} />
          ) : (
            <Stack component="ol" spacing={1.5} aria-label={t('history.entries')} sx={{ listStyle: 'none', p: 0, m: 0 }}>
              {entries.map((entry) => (
                <li key={entry.id}>
                  <AuditEntryCard entry={entry} labeler={labeler} canEdit={canEdit} onUndo={onUndo} />
                </li>
              ))}
            </Stack>
      )}
      {query.hasNextPage ? (
        <Box sx={{ textAlign: 'center', mt: 2 }}>
          <Button variant="outlined" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('history.loadMore')}
          </Button>
        </Box>
      ) : null}
      {query.isFetchNextPageError ? <ErrorNotice error={query.error} onRetry={() => void query.fetchNextPage()} /> : null}
      {undoing ? (
        <UndoDialog
          entry={undoing}
          labeler={labeler}
          onClose={(undone) => {
            setUndoing(null);
            if (undone) focusPageTitle();
          }}
        />
      ) : null}
      {undoingRequest ? <UndoRequestDialog requestId={undoingRequest.requestId} entries={undoingRequest.entries} onClose={() => setUndoingRequest(null)} /> : null}
    </Box>
      )}
    </QueryState>
  );
}
