import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { countsPerBit, deriveAppView } from '../../../../shared/marks/app-view';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { ChatUserConversations } from '../../../entities/chat-users/components/ChatUserConversations';
import { ChatUserField } from '../../../entities/chat-users/components/ChatUserField';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { compareConversations } from '../../../entities/marks/model/conversation-order';
import { appPresenceByKey, type AppPresence } from '../model/app-presence';
import { matchesRawFilter, readInspectView, writeInspectView } from '../model/inspect-url';
import { applyWhatIf, EMPTY_WHAT_IF, hasWhatIfChange, type WhatIf } from '../model/what-if';
import { AppViewList } from './AppViewList';
import { BitCounts } from './BitCounts';
import { RawConversationList } from './RawConversationList';
import { RawFilters } from './RawFilters';
import { WhatIfPanel } from './WhatIfPanel';
import { PageHeader } from '../../../components/PageHeader';
import { visuallyHidden } from '../../../components/visually-hidden';
import { useQuery } from '@tanstack/react-query';
import { conversationsQueryOptions } from '../../../entities/marks/api/get-conversations';
import { entriesInGroup, GroupTabs } from './GroupTabs';

/** Inspect (mark effects): `/inspect?user=olivia.brown` (what-if and filters too: model/inspect-url.ts). Reads only; the what-if never writes. */
export default function InspectPage() {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const userId = searchParams.get('user')?.trim() || null;

  return (
    <Box>
      <PageHeader title={t('inspect.title')} intro={t('inspect.intro')} />
      <ChatUserField userId={userId} onLoad={(user) => setSearchParams(user === userId ? searchParams : { user })} />
      <Box sx={{ mt: 3 }}>
        {userId ? (
          // Keyed by user: the what-if belongs to one chat user's conversations.
          <InspectWorkspace key={userId} userId={userId} />
        ) : (
          <Typography color="text.secondary">{t('inspect.start')}</Typography>
        )}
      </Box>
    </Box>
  );
}

/** The what-if and the filters: they start from the address and are kept in it, so a link reproduces them. */
function useInspectView() {
  const [searchParams, setSearchParams] = useSearchParams();
  const [initial] = useState(() => readInspectView(searchParams));
  const [whatIfMode, setWhatIfMode] = useState(initial.whatIfMode);
  const [whatIf, setWhatIf] = useState<WhatIf>(initial.whatIf);
  const [rawFilter, setRawFilter] = useState({ search: initial.search, bit: initial.bit });
  useEffect(() => {
    setSearchParams((current) => writeInspectView(current, { whatIfMode, whatIf, ...rawFilter }), { replace: true });
  }, [whatIfMode, whatIf, rawFilter, setSearchParams]);
  // The address this view is kept at, from the view itself: the browser's address gets it a moment
  // later (a router navigation, which a busy page may render late), so a link copied meanwhile must
  // not be read from the router's location.
  const search = `?${writeInspectView(searchParams, { whatIfMode, whatIf, ...rawFilter }).toString()}`;
  return { whatIfMode, setWhatIfMode, whatIf, setWhatIf, rawFilter, setRawFilter, search };
}
type InspectView = ReturnType<typeof useInspectView>;

// While the conversations load, the page's frame is drawn with the what-if's explanation and switch
// (they need no data), and skeletons where the counts and lists will be.
function InspectWorkspace({ userId }: { userId: string }) {
  const view = useInspectView();
  return (
    <ChatUserConversations userId={userId} skeleton={<InspectFrame view={view} />}>
      {({ entries }) => <LoadedInspect userId={userId} entries={entries} view={view} />}
    </ChatUserConversations>
  );
}

const SECTIONS_GRID = { display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 1fr) minmax(0, 1fr)' }, alignItems: 'start', mb: 2 } as const;

function InspectFrame({ view }: { view: InspectView }) {
  const t = useT();
  return (
    <Box aria-busy="true">
      <Box role="status" sx={visuallyHidden}>
        {t('app.loading')}
      </Box>
      <Typography variant="body2" sx={{ mb: 2 }}>
        <Skeleton variant="text" width="70%" />
      </Typography>
      <Box sx={SECTIONS_GRID}>
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Typography variant="h6" component="h2" gutterBottom>
            {t('inspect.countsTitle')}
          </Typography>
          <Skeleton variant="rounded" height={120} />
        </Paper>
        <WhatIfSection view={view}>
          <Skeleton variant="rounded" height={120} />
        </WhatIfSection>
      </Box>
      <Skeleton variant="rounded" height={320} />
    </Box>
  );
}

/** The what-if's title and switch; with the mode on, `children` (the panel), else what it does. */
function WhatIfSection({ view, children }: { view: InspectView; children: ReactNode }) {
  const t = useT();
  const { whatIfMode, setWhatIfMode, setWhatIf } = view;
  return (
    <Paper component="section" variant="outlined" aria-labelledby="what-if-title" sx={{ p: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="h6" component="h2" id="what-if-title" sx={{ flexGrow: 1 }}>
          {t('inspect.whatIfTitle')}
        </Typography>
        <FormControlLabel
          control={
            <Switch
              checked={whatIfMode}
              onChange={(event) => {
                setWhatIfMode(event.target.checked);
                if (!event.target.checked) setWhatIf(EMPTY_WHAT_IF);
              }}
            />
          }
          label={t('inspect.whatIfMode')}
        />
      </Box>
      {whatIfMode ? (
        children
      ) : (
        <Typography variant="body2" color="text.secondary">
          {t('inspect.whatIfIntro')}
        </Typography>
      )}
    </Paper>
  );
}

function LoadedInspect({ userId, entries: allEntries, view }: { userId: string; entries: readonly ConversationEntry[]; view: InspectView }) {
  const t = useT();
  const format = useFormat();
  const labeler = useBitLabeler();
  const { whatIfMode, whatIf, setWhatIf, rawFilter, setRawFilter } = view;
  // Group tabs, as the Chat UIKit shows them: the groups come with the conversations (already loaded).
  const groups = useQuery(conversationsQueryOptions(userId)).data?.groups ?? [];
  const [groupTab, setGroupTab] = useState<number | null>(null);
  const entries = useMemo(() => entriesInGroup(allEntries, groupTab), [allEntries, groupTab]);

  const sorted = useMemo(() => [...entries].sort(compareConversations), [entries]);
  const preview = useMemo(() => applyWhatIf(sorted, whatIfMode ? whatIf : EMPTY_WHAT_IF), [sorted, whatIfMode, whatIf]);
  const appRows = useMemo(() => deriveAppView(preview), [preview]);
  const presence = useMemo(() => appPresenceByKey(preview, appRows), [preview, appRows]);
  const counts = useMemo(() => countsPerBit(preview), [preview]);
  const savedCounts = useMemo(() => countsPerBit(entries), [entries]);
  const tally = useMemo(() => {
    const byPresence: Record<AppPresence, number> = { shown: 0, folded: 0, hidden: 0, notListed: 0 };
    for (const where of presence.values()) byPresence[where]++;
    return byPresence;
  }, [presence]);
  const previewing = whatIfMode && hasWhatIfChange(whatIf);
  const rawEntries = useMemo(() => preview.filter((entry) => matchesRawFilter(entry, rawFilter.search, rawFilter.bit)), [preview, rawFilter]);
  const bitsInUse = useMemo(
    () => [...new Set([...preview.flatMap((entry) => entry.bits), ...(rawFilter.bit === null ? [] : [rawFilter.bit])])].sort((a, b) => a - b),
    [preview, rawFilter.bit],
  );

  const onChoose = useCallback(
    (key: string) =>
      setWhatIf((current) => {
        const chosen = new Set(current.chosen);
        if (chosen.has(key)) chosen.delete(key);
        else chosen.add(key);
        return { ...current, chosen };
      }),
    [setWhatIf],
  );

  return (
    <Box>
      <Typography variant="body2" role="status" sx={{ mb: 2 }}>
        {t('inspect.summary', {
          total: format.number(entries.length),
          shown: format.number(tally.shown),
          folded: format.number(tally.folded),
          hidden: format.number(tally.hidden),
          notListed: format.number(tally.notListed),
        })}
      </Typography>
      <Box sx={SECTIONS_GRID}>
        <Paper component="section" variant="outlined" aria-labelledby="bit-counts-title" sx={{ p: 2 }}>
          <Typography variant="h6" component="h2" id="bit-counts-title" gutterBottom>
            {t('inspect.countsTitle')}
          </Typography>
          <BitCounts counts={counts} savedCounts={savedCounts} labeler={labeler} />
        </Paper>
        <WhatIfSection view={view}>
          <WhatIfPanel userId={userId} entries={sorted} whatIf={whatIf} onChange={setWhatIf} labeler={labeler} search={view.search} />
        </WhatIfSection>
      </Box>
      <GroupTabs groups={groups} entries={allEntries} value={groupTab} onChange={setGroupTab} />
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 3fr) minmax(320px, 2fr)' }, alignItems: 'start' }}>
        <Box component="section" aria-label={t('inspect.rawRegion')} sx={{ minWidth: 0 }}>
          <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
            {t('inspect.rawRegion')}
          </Typography>
          <RawFilters
            search={rawFilter.search}
            bit={rawFilter.bit}
            bits={bitsInUse}
            shown={rawEntries.length}
            total={preview.length}
            labeler={labeler}
            onChange={(change) => setRawFilter((current) => ({ ...current, ...change }))}
          />
          <RawConversationList entries={rawEntries} presence={presence} labeler={labeler} choosing={whatIfMode} chosen={whatIf.chosen} onChoose={onChoose} />
        </Box>
        <Box component="section" aria-label={t('inspect.appRegion')} sx={{ minWidth: 0 }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 1 }}>
            <Typography variant="h6" component="h2">
              {t('inspect.appRegion')}
            </Typography>
            {previewing ? <Chip size="small" label={t('inspect.whatIfPreview')} sx={{ bgcolor: 'warning.light', color: 'common.black', fontWeight: 600 }} /> : null}
          </Box>
          <Paper variant="outlined" sx={{ borderRadius: 3, overflow: 'hidden', ...(previewing ? { borderColor: 'warning.main', borderWidth: 2 } : {}) }}>
            <AppViewList rows={appRows} />
          </Paper>
        </Box>
      </Box>
    </Box>
  );
}
