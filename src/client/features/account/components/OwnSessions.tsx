import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../../components/QueryState';
import { SessionTimeCells } from '../../../components/SessionTimeCells';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { ownSessionsQueryOptions, useEndOwnSession } from '../api/account';

/** The person's own sessions (IP, browser, last seen), each of the others with a way to end it. */
export function OwnSessions() {
  const t = useT();
  const format = useFormat();
  const sessions = useQuery(ownSessionsQueryOptions());
  const end = useEndOwnSession();
  return (
    <Paper component="section" variant="outlined" aria-labelledby="own-sessions-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="own-sessions-title" gutterBottom>
        {t('account.sessionsTitle')}
      </Typography>
      <QueryState query={sessions} pending={<PageSkeleton rows={2} />} keepDataOnError>
        {(data) => (
            <TableContainer>
              <Table size="small" aria-label={t('account.sessionsTable')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{t('account.colStarted')}</TableCell>
                    <TableCell>{t('account.colLastSeen')}</TableCell>
                    <TableCell>{t('account.colIp')}</TableCell>
                    <TableCell>{t('account.colBrowser')}</TableCell>
                    <TableCell>{t('account.colMethod')}</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.sessions.map((session) => (
                    <TableRow key={session.handle}>
                      <SessionTimeCells createdAt={session.createdAt} lastSeenAt={session.lastSeenAt} />
                      <TableCell>{session.ip}</TableCell>
                      <TableCell sx={{ maxWidth: 320, overflowWrap: 'anywhere' }}>{session.userAgent}</TableCell>
                      <TableCell>{t(`account.method.${session.method}`)}</TableCell>
                      <TableCell>
                        {session.current ? (
                          <Chip size="small" label={t('account.thisSession')} />
                        ) : (
                          <Button
                            size="small"
                            color="error"
                            aria-label={t('account.endSessionNamed', { when: format.dateTime(session.createdAt) })}
                            onClick={() => end.mutate(session.handle)}
                            disabled={end.isPending}
                          >
                            {t('account.endSession')}
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
        )}
      </QueryState>
    </Paper>
  );
}
