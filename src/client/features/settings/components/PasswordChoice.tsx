import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import { useId } from 'react';
import { PASSWORD_MIN_CHARS } from '../../../../shared/api/staff';
import { useT } from '../../../lib/i18n/I18nProvider';

export type PasswordMode = 'generate' | 'type';

type PasswordChoiceProps = {
  mode: PasswordMode;
  onModeChange: (mode: PasswordMode) => void;
  password: string;
  onPasswordChange: (password: string) => void;
  error: string | undefined;
};

/** Generate a password in the browser (shown once afterwards), or type one. */
export function PasswordChoice({ mode, onModeChange, password, onPasswordChange, error }: PasswordChoiceProps) {
  const t = useT();
  const labelId = useId();
  return (
    <FormControl>
      <FormLabel id={labelId}>{t('settings.staff.passwordChoice')}</FormLabel>
      <RadioGroup row aria-labelledby={labelId} value={mode} onChange={(event) => onModeChange(event.target.value === 'type' ? 'type' : 'generate')}>
        <FormControlLabel value="generate" control={<Radio />} label={t('settings.staff.generate')} />
        <FormControlLabel value="type" control={<Radio />} label={t('settings.staff.typeOne')} />
      </RadioGroup>
      {mode === 'type' ? (
        <TextField
          type="password"
          label={t('settings.staff.newPassword')}
          value={password}
          onChange={(event) => onPasswordChange(event.target.value)}
          error={error !== undefined}
          helperText={error ?? t('settings.staff.passwordRule', { min: PASSWORD_MIN_CHARS })}
          autoComplete="new-password"
          size="small"
          sx={{ mt: 1, maxWidth: 360 }}
        />
      ) : null}
    </FormControl>
  );
}
