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
import { useState } from 'react';
import type { ActiveSession } from '../../../../shared/api/session';
import { QueryState } from '../../../components/QueryState';
import { SessionTimeCells } from '../../../components/SessionTimeCells';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { sessionsQueryOptions, useRevokeSession } from '../api/sessions';
import { ConfirmDialog } from '../../../components/ConfirmDialog';

/** Every signed-in session, with a way to end it (ending one's own signs one out). */
export function SessionsSection() {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describeError = useDescribeError();
  const sessions = useQuery(sessionsQueryOptions());
  const revoke = useRevokeSession();
  const [confirmingOwn, setConfirmingOwn] = useState<ActiveSession | null>(null);

  const end = (session: ActiveSession) =>
    revoke.mutate(session.handle, {
      onSuccess: () => toast({ severity: 'success', message: t('settings.sessions.revoked', { username: session.username }) }),
      onError: (error) => {
        const { sentence, requestId } = describeError(error);
        toast({ severity: 'error', message: sentence, requestId });
      },
    });

  return (
    <QueryState query={sessions}>
      {(data) => (
        <Paper component="section" variant="outlined" aria-labelledby="sessions-title" sx={{ p: 2 }}>
          <Typography variant="h6" component="h2" id="sessions-title">
            {t('settings.sessions.title')}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {t('settings.sessions.intro')}
          </Typography>
          <TableContainer>
            <Table size="small" aria-labelledby="sessions-title">
              <TableHead>
                <TableRow>
                  <TableCell>{t('settings.staff.username')}</TableCell>
                  <TableCell>{t('settings.staff.role')}</TableCell>
                  <TableCell>{t('settings.sessions.signedIn')}</TableCell>
                  <TableCell>{t('settings.sessions.lastSeen')}</TableCell>
                  <TableCell>{t('settings.staff.actions')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.sessions.map((session) => (
                  <TableRow key={session.handle}>
                    <TableCell sx={{ fontFamily: 'monospace' }}>
                      {session.username}
                      {session.current ? <Chip size="small" label={t('settings.sessions.current')} sx={{ ml: 1 }} /> : null}
                    </TableCell>
                    <TableCell>{t(`role.${session.role}`)}</TableCell>
                    <SessionTimeCells createdAt={session.createdAt} lastSeenAt={session.lastSeenAt} />
                    <TableCell>
                      <Button
                        size="small"
                        color="error"
                        disabled={revoke.isPending}
                        aria-label={t('settings.sessions.revokeNamed', { username: session.username, time: format.dateTime(session.createdAt) })}
                        onClick={() => (session.current ? setConfirmingOwn(session) : end(session))}
                      >
                        {t('settings.sessions.revoke')}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          {confirmingOwn ? (
            <ConfirmDialog
              title={t('settings.sessions.ownTitle')}
              body={t('settings.sessions.ownBody')}
              confirmLabel={t('settings.sessions.revoke')}
              onConfirm={() => end(confirmingOwn)}
              onClose={() => setConfirmingOwn(null)}
            />
          ) : null}
        </Paper>
      )}
    </QueryState>
  );
}
