import Add from '@mui/icons-material/Add';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useT } from '../../../lib/i18n/I18nProvider';
import { readInsightsFilters, writeInsightsFilters, type InsightsFilters } from '../model/url-state';
import { ActivityTab } from './ActivityTab';
import { EffectTab } from './EffectTab';
import { NewSurveyDialog } from './NewSurveyDialog';
import { SurveyList } from './SurveyList';
import { SurveyPanel } from './SurveyPanel';

/** Insights: `/insights?tab=surveys&survey=…&compare=…`, `?tab=effect&job=…`, `?tab=activity&from=…&to=…`. */
export default function InsightsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const filters = readInsightsFilters(params);
  const update = useCallback(
    (change: Partial<InsightsFilters>) => setParams((current) => writeInsightsFilters({ ...readInsightsFilters(current), ...change })),
    [setParams],
  );
  const [creating, setCreating] = useState(false);
  return (
    <Box>
      <PageHeader title={t('insights.title')} intro={t('insights.intro')} />
      <Tabs value={filters.tab} onChange={(_, tab: InsightsFilters['tab']) => update({ tab })} aria-label={t('insights.tabs')} sx={{ mb: 2 }}>
        <Tab value="surveys" label={t('insights.tab.surveys')} />
        <Tab value="effect" label={t('insights.tab.effect')} />
        <Tab value="activity" label={t('insights.tab.activity')} />
      </Tabs>
      {filters.tab === 'surveys' ? (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'minmax(0, 1fr)' }}>
          <Box>
            <Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>
              {t('insights.newSurvey')}
            </Button>
          </Box>
          <NewSurveyDialog
            open={creating}
            onClose={() => setCreating(false)}
            onCreated={(id) => {
              setCreating(false);
              update({ survey: id, compare: null });
            }}
          />
          {filters.survey ? (
            <SurveyPanel key={filters.survey} surveyId={filters.survey} compareWith={filters.compare} onCompare={(compare) => update({ compare })} view={filters.view} />
          ) : null}
          <SurveyList current={filters.survey} onOpen={(survey) => update({ survey, compare: null })} />
        </Box>
      ) : null}
      {filters.tab === 'effect' ? <EffectTab jobId={filters.job} onJob={(job) => update({ job })} view={filters.view} /> : null}
      {filters.tab === 'activity' ? <ActivityTab from={filters.from} to={filters.to} onRange={(range) => update(range)} view={filters.view} /> : null}
    </Box>
  );
}
