import Download from '@mui/icons-material/Download';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { ADMIN_ACTIONS, type AdminAction, type AdminActivityEntry } from '../../../../shared/api/admin-activity';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { isComposing } from '../../../lib/ime';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import { adminActivityExportHref, adminActivityQueryOptions, EMPTY_ACTIVITY_FILTERS, type AdminActivityFilters } from '../api/admin-activity';

export const ACTION_LABEL: Record<AdminAction, PlainMessageKey> = {
  sign_in: 'settings.activity.action.sign_in',
  sign_in_failed: 'settings.activity.action.sign_in_failed',
  sign_out: 'settings.activity.action.sign_out',
  staff_created: 'settings.activity.action.staff_created',
  role_changed: 'settings.activity.action.role_changed',
  staff_disabled: 'settings.activity.action.staff_disabled',
  staff_enabled: 'settings.activity.action.staff_enabled',
  password_reset: 'settings.activity.action.password_reset',
  session_ended: 'settings.activity.action.session_ended',
  labels_changed: 'settings.activity.action.labels_changed',
  chain_verified: 'settings.activity.action.chain_verified',
  step_up: 'settings.activity.action.step_up',
  password_changed: 'settings.activity.action.password_changed',
  mfa_enrolled: 'settings.activity.action.mfa_enrolled',
  mfa_recovery_codes_replaced: 'settings.activity.action.mfa_recovery_codes_replaced',
  mfa_reset: 'settings.activity.action.mfa_reset',
  break_glass_changed: 'settings.activity.action.break_glass_changed',
};

function detailsText(entry: AdminActivityEntry): string {
  return entry.details ? Object.entries(entry.details).map(([key, value]) => `${key}: ${String(value)}`).join(', ') : '';
}

/** Admin activity (admins only): who did what to the console, when, from where; filterable, exportable. */
export function AdminActivitySection() {
  const t = useT();
  const format = useFormat();
  const [filters, setFilters] = useState<AdminActivityFilters>(EMPTY_ACTIVITY_FILTERS);
  const [staffDraft, setStaffDraft] = useState('');
  const activity = useInfiniteQuery(adminActivityQueryOptions(filters));
  const entries = activity.data?.pages.flatMap((page) => page.entries) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ ...filters, staff: staffDraft.trim() });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && isComposing(event)) event.preventDefault();
  };

  return (
    <Paper component="section" variant="outlined" aria-labelledby="admin-activity-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="admin-activity-title">
        {t('settings.activity.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('settings.activity.intro')}
      </Typography>
      <Box component="form" role="search" aria-label={t('settings.activity.filters')} onSubmit={submit} sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, mb: 2 }}>
        <TextField
          size="small"
          label={t('settings.activity.filterStaff')}
          value={staffDraft}
          onChange={(event) => setStaffDraft(event.target.value)}
          onBlur={() => setFilters({ ...filters, staff: staffDraft.trim() })}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          select
          size="small"
          label={t('settings.activity.filterAction')}
          value={filters.action}
          onChange={(event) => setFilters({ ...filters, action: event.target.value as AdminAction | '' })}
          sx={{ minWidth: 200 }}
        >
          <MenuItem value="">{t('settings.activity.anyAction')}</MenuItem>
          {ADMIN_ACTIONS.map((action) => (
            <MenuItem key={action} value={action}>
              {t(ACTION_LABEL[action])}
            </MenuItem>
          ))}
        </TextField>
        {(['from', 'to'] as const).map((name) => (
          <TextField
            key={name}
            type="date"
            size="small"
            label={t(name === 'from' ? 'settings.activity.filterFrom' : 'settings.activity.filterTo')}
            value={filters[name]}
            onChange={(event) => setFilters({ ...filters, [name]: event.target.value })}
            slotProps={{ inputLabel: { shrink: true } }}
          />
        ))}
        <Button variant="outlined" startIcon={<Download />} href={adminActivityExportHref(filters)} download>
          {t('settings.activity.exportCsv')}
        </Button>
      </Box>
      {activity.isPending ? (
        <Skeleton variant="rounded" height={160} />
      ) : activity.isError ? (
        <ErrorNotice error={activity.error} />
      ) : entries.length === 0 ? (
        <Typography>{t('settings.activity.empty')}</Typography>
      ) : (
        <TableContainer>
          <Table size="small" aria-label={t('settings.activity.table')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('settings.activity.colWhen')}</TableCell>
                <TableCell>{t('settings.activity.colWho')}</TableCell>
                <TableCell>{t('settings.activity.colWhat')}</TableCell>
                <TableCell>{t('settings.activity.colTarget')}</TableCell>
                <TableCell>{t('settings.activity.colIp')}</TableCell>
                <TableCell>{t('settings.activity.colBrowser')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {entries.map((entry) => (
                <TableRow key={entry.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{format.dateTime(entry.at)}</TableCell>
                  <TableCell>{entry.staff}</TableCell>
                  <TableCell>
                    {t(ACTION_LABEL[entry.action])}
                    {entry.details ? (
                      <Typography variant="caption" component="div" color="text.secondary">
                        {detailsText(entry)}
                      </Typography>
                    ) : null}
                  </TableCell>
                  <TableCell>{entry.target ?? ''}</TableCell>
                  <TableCell>{entry.ip ?? ''}</TableCell>
                  <TableCell sx={{ maxWidth: 280, overflowWrap: 'anywhere' }}>{entry.userAgent ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {activity.hasNextPage ? (
        <Button sx={{ mt: 1 }} onClick={() => void activity.fetchNextPage()} loading={activity.isFetchingNextPage}>
          {t('settings.activity.loadMore')}
        </Button>
      ) : null}
    </Paper>
  );
}
