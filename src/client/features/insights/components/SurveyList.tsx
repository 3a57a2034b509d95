import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { surveysQueryOptions } from '../api/surveys';
import { surveyName } from './SurveyPanel';

/** Recent surveys, newest first; opening one puts it in the address. */
export function SurveyList({ current, onOpen }: { current: string | null; onOpen: (id: string) => void }) {
  const t = useT();
  const format = useFormat();
  const surveys = useQuery(surveysQueryOptions());
  return (
    <Paper component="section" aria-label={t('insights.recentSurveys')} variant="outlined" sx={{ p: 2, overflowX: 'auto' }}>
      <Typography variant="h6" component="h2" gutterBottom>
        {t('insights.recentSurveys')}
      </Typography>
      {surveys.isError ? <ErrorNotice error={surveys.error} onRetry={() => void surveys.refetch()} /> : null}
      {surveys.data && surveys.data.surveys.length === 0 ? <Typography color="text.secondary">{t('insights.noSurveys')}</Typography> : null}
      {surveys.data && surveys.data.surveys.length > 0 ? (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell component="th" scope="col">{t('insights.col.survey')}</TableCell>
              <TableCell component="th" scope="col">{t('insights.col.state')}</TableCell>
              <TableCell component="th" scope="col">{t('insights.col.users')}</TableCell>
              <TableCell component="th" scope="col">{t('insights.col.createdBy')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {surveys.data.surveys.map((survey) => (
              <TableRow key={survey.surveyId} selected={survey.surveyId === current}>
                <TableCell>
                  <Link component="button" type="button" onClick={() => onOpen(survey.surveyId)} aria-current={survey.surveyId === current ? 'true' : undefined}>
                    {surveyName(survey, format)}
                  </Link>
                </TableCell>
                <TableCell>{t(`insights.state.${survey.state}`)}</TableCell>
                <TableCell>{format.number(survey.users)}</TableCell>
                <TableCell>{survey.createdBy}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Paper>
  );
}
