import PersonAdd from '@mui/icons-material/PersonAdd';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import NativeSelect from '@mui/material/NativeSelect';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../shared/api/session';
import type { PatchStaffRequest, StaffMember } from '../../../../shared/api/staff';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { QueryState } from '../../../components/QueryState';
import { useToast } from '../../../components/ToastProvider';
import { isApiError } from '../../../lib/api-error';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useCurrentSession } from '../../../lib/session-context';
import { useCreateStaff, usePatchStaff } from '../api/change-staff';
import { staffQueryOptions } from '../api/get-staff';
import { generateStaffPassword } from '../model/password';
import { newStaffProblems, resetPasswordProblem, type StaffFieldProblems } from '../model/staff-form';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { PasswordChoice, type PasswordMode } from './PasswordChoice';
import { PasswordOnceDialog } from './PasswordOnceDialog';

type ShownPassword = { username: string; password: string };
type PendingChange = { username: string; patch: PatchStaffRequest; question: string; confirmLabel: string };

/** Staff accounts: create (generated or typed password), change role, disable/enable, reset password. */
export function StaffSection() {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describeError = useDescribeError();
  const me = useCurrentSession();
  const staff = useQuery(staffQueryOptions());
  const patch = usePatchStaff();
  const [shownPassword, setShownPassword] = useState<ShownPassword | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<PendingChange | null>(null);

  const apply = (username: string, change: PatchStaffRequest, done: string) =>
    patch.mutate(
      { username, patch: change },
      {
        onSuccess: () => toast({ severity: 'success', message: done }),
        onError: (error) => {
          // The one 409 here: the last enabled admin cannot stop being one.
          if (isApiError(error) && error.status === 409) toast({ severity: 'error', message: t('settings.staff.lastAdmin'), requestId: error.requestId });
          else toast({ severity: 'error', ...errorToast(describeError(error)) });
        },
      },
    );

  // Changing one's own account ends one's own session too: ask first.
  const change = (member: StaffMember, patchBody: PatchStaffRequest, done: string, confirmLabel: string) => {
    if (member.username === me.username) setConfirming({ username: member.username, patch: patchBody, question: done, confirmLabel });
    else apply(member.username, patchBody, done);
  };

  return (
    <QueryState query={staff} pending={<PageSkeleton rows={5} />}>
      {(data) => (
        <Stack spacing={2}>
          <Paper component="section" variant="outlined" aria-labelledby="staff-title" sx={{ p: 2 }}>
            <Typography variant="h6" component="h2" id="staff-title">
              {t('settings.staff.title')}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              {t('settings.staff.intro')}
            </Typography>
            <TableContainer>
              <Table size="small" aria-labelledby="staff-title">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('settings.staff.username')}</TableCell>
                    <TableCell>{t('settings.staff.role')}</TableCell>
                    <TableCell>{t('settings.staff.signIn')}</TableCell>
                    <TableCell>{t('settings.staff.status')}</TableCell>
                    <TableCell>{t('settings.staff.createdAt')}</TableCell>
                    <TableCell>{t('settings.staff.lastSignIn')}</TableCell>
                    <TableCell>{t('settings.staff.actions')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.staff.map((member) => (
                    <TableRow key={member.username} data-username={member.username}>
                      <TableCell sx={{ fontFamily: 'monospace' }}>
                        {member.username}
                        {member.username === me.username ? <Chip size="small" label={t('settings.you')} sx={{ ml: 1 }} /> : null}
                      </TableCell>
                      <TableCell>
                        <NativeSelect
                          value={member.role}
                          disabled={patch.isPending}
                          onChange={(event) => {
                            const role = event.target.value as Role;
                            change(member, { role }, t('settings.staff.roleChanged', { username: member.username, role: t(`role.${role}`) }), t('settings.staff.changeRole'));
                          }}
                          inputProps={{ 'aria-label': t('settings.staff.roleOf', { username: member.username }) }}
                        >
                          {ROLES.map((role) => (
                            <option key={role} value={role}>
                              {t(`role.${role}`)}
                            </option>
                          ))}
                        </NativeSelect>
                        {member.source === 'sso' ? (
                          <Typography variant="caption" color="text.secondary" component="p">
                            {t('settings.staff.ssoRoleHint')}
                          </Typography>
                        ) : null}
                      </TableCell>
                      <TableCell>
                        <SignInCell member={member} />
                      </TableCell>
                      <TableCell>
                        <Chip size="small" variant="outlined" color={member.disabled ? 'default' : 'success'} label={member.disabled ? t('settings.staff.disabled') : t('settings.staff.active')} />
                      </TableCell>
                      <TableCell>
                        <time dateTime={member.createdAt}>{format.dateTime(member.createdAt)}</time>
                      </TableCell>
                      <TableCell>
                        {member.lastLoginAt ? (
                          <time dateTime={member.lastLoginAt} title={format.dateTime(member.lastLoginAt)}>
                            {format.relativeTime(member.lastLoginAt)}
                          </time>
                        ) : (
                          t('settings.staff.never')
                        )}
                      </TableCell>
                      <TableCell>
                        <Stack direction="row" spacing={1}>
                          <Button
                            size="small"
                            disabled={patch.isPending}
                            aria-label={t(member.disabled ? 'settings.staff.enableNamed' : 'settings.staff.disableNamed', { username: member.username })}
                            onClick={() =>
                              change(
                                member,
                                { disabled: !member.disabled },
                                t(member.disabled ? 'settings.staff.enabledDone' : 'settings.staff.disabledDone', { username: member.username }),
                                member.disabled ? t('settings.staff.enable') : t('settings.staff.disable'),
                              )
                            }
                          >
                            {member.disabled ? t('settings.staff.enable') : t('settings.staff.disable')}
                          </Button>
                          {member.source === 'sso' ? null : (
                            <Button size="small" aria-label={t('settings.staff.resetNamed', { username: member.username })} onClick={() => setResetting(member.username)}>
                              {t('settings.staff.reset')}
                            </Button>
                          )}
                        </Stack>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          </Paper>
          <CreateStaffForm onCreated={setShownPassword} />
          {resetting ? (
            <ResetPasswordDialog username={resetting} isSelf={resetting === me.username} onClose={() => setResetting(null)} onGenerated={setShownPassword} />
          ) : null}
          {confirming ? (
            <ConfirmDialog
              title={t('settings.staff.selfTitle')}
              body={`${confirming.question} ${t('settings.staff.selfBody')}`}
              confirmLabel={confirming.confirmLabel}
              onConfirm={() => apply(confirming.username, confirming.patch, confirming.question)}
              onClose={() => setConfirming(null)}
            />
          ) : null}
          {shownPassword ? <PasswordOnceDialog username={shownPassword.username} password={shownPassword.password} onClose={() => setShownPassword(null)} /> : null}
        </Stack>
      )}
    </QueryState>
  );
}

/** How the account signs in: through the identity provider, or with a password (two-step or not, break-glass or not). */
function SignInCell({ member }: { member: StaffMember }) {
  const t = useT();
  if (member.source === 'sso') return <Chip size="small" variant="outlined" color="info" label={t('settings.staff.viaSso')} />;
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      <Chip size="small" variant="outlined" label={t('settings.staff.viaPassword')} />
      <Chip size="small" variant="outlined" color={member.mfa ? 'success' : 'default'} label={member.mfa ? t('settings.staff.mfaOn') : t('settings.staff.mfaOff')} />
      {member.breakGlass ? <Chip size="small" color="error" variant="outlined" label={t('settings.staff.breakGlass')} /> : null}
    </Stack>
  );
}

function errorToast({ sentence, requestId }: { sentence: string; requestId: string | null }) {
  return { message: sentence, requestId };
}

function CreateStaffForm({ onCreated }: { onCreated: (shown: ShownPassword) => void }) {
  const t = useT();
  const toast = useToast();
  const describeError = useDescribeError();
  const create = useCreateStaff();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [mode, setMode] = useState<PasswordMode>('generate');
  const [typedPassword, setTypedPassword] = useState('');
  const [problems, setProblems] = useState<StaffFieldProblems>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = username.trim();
    const password = mode === 'generate' ? generateStaffPassword(name) : typedPassword;
    const found = newStaffProblems({ username: name, role, password }, t);
    setProblems(found);
    if (found.username || found.password) return;
    create.mutate(
      { username: name, role, password },
      {
        onSuccess: (member) => {
          setUsername('');
          setTypedPassword('');
          if (mode === 'generate') onCreated({ username: member.username, password });
          else toast({ severity: 'success', message: t('settings.staff.created', { username: member.username }) });
        },
        onError: (error) => {
          if (isApiError(error) && error.status === 409) setProblems({ username: t('settings.staff.usernameTaken', { username: name }) });
          else toast({ severity: 'error', ...errorToast(describeError(error)) });
        },
      },
    );
  };

  return (
    <Paper component="form" variant="outlined" noValidate onSubmit={submit} aria-labelledby="create-staff-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="create-staff-title" gutterBottom>
        {t('settings.staff.createTitle')}
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <TextField
          label={t('settings.staff.username')}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          error={problems.username !== undefined}
          helperText={problems.username ?? t('settings.staff.usernameRule')}
          autoComplete="off"
          spellCheck={false}
          size="small"
          sx={{ minWidth: 240 }}
        />
        <TextField select label={t('settings.staff.role')} value={role} onChange={(event) => setRole(event.target.value as Role)} size="small" sx={{ minWidth: 160 }}>
          {ROLES.map((option) => (
            <MenuItem key={option} value={option}>
              {t(`role.${option}`)}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <PasswordChoice mode={mode} onModeChange={setMode} password={typedPassword} onPasswordChange={setTypedPassword} error={problems.password} />
      <Box sx={{ mt: 2 }}>
        <Button type="submit" variant="contained" startIcon={<PersonAdd />} loading={create.isPending}>
          {t('settings.staff.create')}
        </Button>
      </Box>
    </Paper>
  );
}

function ResetPasswordDialog({ username, isSelf, onClose, onGenerated }: { username: string; isSelf: boolean; onClose: () => void; onGenerated: (shown: ShownPassword) => void }) {
  const t = useT();
  const toast = useToast();
  const patch = usePatchStaff();
  const [mode, setMode] = useState<PasswordMode>('generate');
  const [typedPassword, setTypedPassword] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = () => {
    const password = mode === 'generate' ? generateStaffPassword(username) : typedPassword;
    const found = resetPasswordProblem(username, password, t);
    setProblem(found ?? undefined);
    if (found) return;
    patch.mutate(
      { username, patch: { password } },
      {
        onSuccess: () => {
          onClose();
          if (mode === 'generate') onGenerated({ username, password });
          else toast({ severity: 'success', message: t('settings.staff.resetDone', { username }) });
        },
      },
    );
  };

  return (
    <Dialog open onClose={patch.isPending ? undefined : onClose} aria-labelledby="reset-title" fullWidth maxWidth="sm">
      <DialogTitle id="reset-title">{t('settings.staff.resetTitle', { username })}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>{isSelf ? `${t('settings.staff.resetBody')} ${t('settings.staff.selfBody')}` : t('settings.staff.resetBody')}</DialogContentText>
        <PasswordChoice mode={mode} onModeChange={setMode} password={typedPassword} onPasswordChange={setTypedPassword} error={problem} />
        {patch.isError ? (
          <Box sx={{ mt: 2 }}>
            <ErrorNotice error={patch.error} />
          </Box>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={patch.isPending}>
          {t('history.cancel')}
        </Button>
        <Button variant="contained" onClick={submit} loading={patch.isPending}>
          {t('settings.staff.reset')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
