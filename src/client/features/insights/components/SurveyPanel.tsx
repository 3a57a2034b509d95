import Download from '@mui/icons-material/Download';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import type { SurveyStatus } from '../../../../shared/api/insights';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { QueryState } from '../../../components/QueryState';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { surveyCsvHref, surveyQueryOptions, surveysQueryOptions, useControlSurvey, type SurveyAction } from '../api/surveys';
import type { ChartView } from '../model/url-state';
import { CompareView } from './CompareView';
import { SurveyCharts } from './SurveyCharts';

export function surveyName(survey: Pick<SurveyStatus, 'label' | 'createdAt' | 'surveyId'>, format: { dateTime(iso: string): string }): string {
  return survey.label || format.dateTime(survey.createdAt);
}

type Props = { surveyId: string; compareWith: string | null; onCompare: (id: string | null) => void; view: ChartView };

/** One survey: progress and controls while it runs; its charts, per-user CSV and a comparison once done. */
export function SurveyPanel({ surveyId, compareWith, onCompare, view }: Props) {
  const survey = useQuery(surveyQueryOptions(surveyId));
  const surveys = useQuery(surveysQueryOptions());
  const control = useControlSurvey(surveyId);
  return (
    <QueryState query={survey} pending={<Skeleton variant="rounded" height={200} />}>
      {(status) => <LoadedSurvey status={status} surveys={surveys.data?.surveys} control={control} surveyId={surveyId} compareWith={compareWith} onCompare={onCompare} view={view} />}
    </QueryState>
  );
}

type LoadedSurveyProps = Props & { status: SurveyStatus; surveys: readonly SurveyStatus[] | undefined; control: ReturnType<typeof useControlSurvey> };

function LoadedSurvey({ status, surveys, control, surveyId, compareWith, onCompare, view }: LoadedSurveyProps) {
  const t = useT();
  const format = useFormat();
  const name = surveyName(status, format);
  const percent = status.users === 0 ? 100 : Math.round((status.done / status.users) * 100);
  const act = (action: SurveyAction) => control.mutate(action);
  const others = (surveys ?? []).filter((other) => other.surveyId !== surveyId && other.state === 'done');
  const other = others.find((candidate) => candidate.surveyId === compareWith);
  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, mb: 1 }}>
          <Typography variant="h5" component="h2" sx={{ flexGrow: 1 }}>
            {t('insights.surveyTitle', { name })}
          </Typography>
          <Chip label={t(`insights.state.${status.state}`)} color={status.state === 'done' ? 'success' : status.state === 'failed' ? 'error' : 'default'} />
        </Box>
        <Typography color="text.secondary" sx={{ mb: 1 }}>
          {t('insights.surveyMeta', { users: format.number(status.users), by: status.createdBy, at: format.dateTime(status.createdAt) })}
        </Typography>
        <LinearProgress variant="determinate" value={percent} aria-label={t('insights.progress')} sx={{ mb: 1 }} />
        <Typography>{t('insights.progressText', { done: format.number(status.done), total: format.number(status.users), failed: format.number(status.failed), percent })}</Typography>
        {status.message ? <Alert severity="warning" sx={{ mt: 1 }}>{status.message}</Alert> : null}
        {control.isError ? <ErrorNotice error={control.error} /> : null}
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, mt: 1 }}>
          {status.state === 'running' ? <Button onClick={() => act('pause')} disabled={control.isPending}>{t('insights.pause')}</Button> : null}
          {status.state === 'paused' || status.state === 'failed' ? <Button onClick={() => act('resume')} disabled={control.isPending}>{t('insights.resume')}</Button> : null}
          {status.state === 'running' || status.state === 'paused' || status.state === 'failed' ? (
            <Button color="error" onClick={() => act('cancel')} disabled={control.isPending}>
              {t('insights.cancel')}
            </Button>
          ) : null}
          <Button component="a" href={surveyCsvHref(surveyId, true)} download variant="outlined" startIcon={<Download />}>
            {t('insights.usersCsv')}
          </Button>
          <Button component="a" href={surveyCsvHref(surveyId, false)} download variant="text" startIcon={<Download />}>
            {t('insights.usersCsvNoValues')}
          </Button>
        </Box>
      </Paper>
      {status.results ? (
        <>
          <Typography>
            {t('insights.resultsLine', {
              usersRead: format.number(status.results.usersRead),
              withMarks: format.number(status.results.usersWithMarks),
              conversations: format.number(status.results.conversations),
              nearCap: format.number(status.results.nearCap),
            })}
          </Typography>
          {status.results.sampleUsers.length > 0 ? (
            <Box component="nav" aria-label={t('insights.sampleUsers')} sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 1.5, rowGap: 0.5, alignItems: 'baseline' }}>
              <Typography component="span">{t('insights.sampleUsers')}:</Typography>
              {status.results.sampleUsers.map((user) => (
                <Link key={user} component={RouterLink} to={`/inspect?user=${encodeURIComponent(user)}`} aria-label={t('insights.openInInspect', { user })}>
                  {user}
                </Link>
              ))}
            </Box>
          ) : null}
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' } }}>
            <SurveyCharts surveyId={surveyId} results={status.results} view={view} />
          </Box>
          <Paper variant="outlined" sx={{ p: 2, display: 'grid', gap: 2, gridTemplateColumns: 'minmax(0, 1fr)' }}>
            <Typography variant="h6" component="h3">
              {t('insights.compareTitle')}
            </Typography>
            <TextField
              select
              label={t('insights.compareWith')}
              value={other ? other.surveyId : ''}
              onChange={(event) => onCompare(event.target.value || null)}
              sx={{ maxWidth: 420 }}
              helperText={others.length === 0 ? t('insights.compareNone') : t('insights.compareHelp')}
            >
              <MenuItem value="">{t('insights.compareNobody')}</MenuItem>
              {others.map((candidate) => (
                <MenuItem key={candidate.surveyId} value={candidate.surveyId}>
                  {surveyName(candidate, format)} · {format.number(candidate.users)}
                </MenuItem>
              ))}
            </TextField>
            {other ? <CompareView a={other.surveyId} b={surveyId} labelA={surveyName(other, format)} labelB={name} view={view} /> : null}
          </Paper>
        </>
      ) : null}
    </Box>
  );
}
