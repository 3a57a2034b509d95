import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useSearchParams } from 'react-router';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import { AdminActivitySection } from './AdminActivitySection';
import { AuditChainSection } from './AuditChainSection';
import { LabelsSection } from './LabelsSection';
import { SessionsSection } from './SessionsSection';
import { StaffSection } from './StaffSection';
import { PageHeader } from '../../../components/PageHeader';

const TABS = ['labels', 'staff', 'sessions', 'activity', 'audit'] as const;
type SettingsTab = (typeof TABS)[number];

const TAB_LABEL: Record<SettingsTab, PlainMessageKey> = {
  labels: 'settings.tab.labels',
  staff: 'settings.tab.staff',
  sessions: 'settings.tab.sessions',
  activity: 'settings.tab.activity',
  audit: 'settings.tab.audit',
};

function isTab(value: string | null): value is SettingsTab {
  return (TABS as readonly (string | null)[]).includes(value);
}

/** Settings (admins only; the route checks): `/settings?tab=labels|staff|sessions|activity|audit`. */
export default function SettingsPage() {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: SettingsTab = isTab(requested) ? requested : 'labels';

  return (
    <Box>
      <PageHeader title={t('settings.title')} intro={t('settings.intro')} />
      <Tabs
        value={tab}
        onChange={(_event, next: SettingsTab) => setSearchParams(next === 'labels' ? {} : { tab: next }, { replace: true })}
        aria-label={t('settings.tabs')}
        variant="scrollable"
        allowScrollButtonsMobile
        sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}
      >
        {TABS.map((value) => (
          // Only the open panel exists: aria-controls may name only an element on the page.
          <Tab key={value} value={value} label={t(TAB_LABEL[value])} id={`settings-tab-${value}`} aria-controls={value === tab ? `settings-panel-${value}` : undefined} />
        ))}
      </Tabs>
      <Box role="tabpanel" id={`settings-panel-${tab}`} aria-labelledby={`settings-tab-${tab}`}>
        {tab === 'labels' ? <LabelsSection /> : null}
        {tab === 'staff' ? <StaffSection /> : null}
        {tab === 'sessions' ? <SessionsSection /> : null}
        {tab === 'activity' ? <AdminActivitySection /> : null}
        {tab === 'audit' ? <AuditChainSection /> : null}
      </Box>
    </Box>
  );
}
