import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import { useFormState, type Control, type UseFormRegister } from 'react-hook-form';
import { useT } from '../../../lib/i18n/I18nProvider';
import { labelFieldName, type LabelFormValues } from '../model/label-form';
import type { TheirChange } from '../model/label-merge';

type LabelRowProps = {
  bit: number;
  register: UseFormRegister<LabelFormValues>;
  control: Control<LabelFormValues>;
  /** What another admin saved for this bit, once their version has been loaded over the admin's edits. */
  change?: TheirChange | undefined;
  /** Display name of whoever saved `change`. */
  changedBy: string;
  onUseTheirs: (bit: number) => void;
};

/** One custom bit: its name and description, and what someone else saved for it, if they did. */
export const LabelRow = memo(function LabelRow({ bit, register, control, change, changedBy, onUseTheirs }: LabelRowProps) {
  const t = useT();
  const { errors } = useFormState({ control, name: [labelFieldName(bit, 'name'), labelFieldName(bit, 'description')] });
  const fieldErrors = errors.labels?.[`b${bit}`];
  return (
    <Box role="listitem" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '72px minmax(0, 1fr) minmax(0, 2fr)' }, gap: 1, alignItems: 'start' }}>
      <Typography variant="body2" sx={{ fontFamily: 'monospace', pt: { md: 1 } }}>
        {t('settings.labels.bit', { bit })}
      </Typography>
      <TextField
        {...register(labelFieldName(bit, 'name'))}
        size="small"
        label={t('settings.labels.name', { bit })}
        placeholder={t('bit.custom', { bit })}
        error={fieldErrors?.name !== undefined}
        helperText={fieldErrors?.name?.message}
        autoComplete="off"
      />
      <TextField
        {...register(labelFieldName(bit, 'description'))}
        size="small"
        label={t('settings.labels.description', { bit })}
        error={fieldErrors?.description !== undefined}
        helperText={fieldErrors?.description?.message}
        autoComplete="off"
      />
      {change ? (
        <Box sx={{ gridColumn: { md: '2 / 4' }, display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }} data-testid={`their-change-${bit}`}>
          <Typography variant="body2" color={change.clash ? 'text.primary' : 'text.secondary'} sx={{ fontWeight: change.clash ? 500 : undefined }}>
            {change.theirs === null
              ? t('settings.labels.theirRemoved', { who: changedBy })
              : change.theirs.description === ''
                ? t('settings.labels.theirName', { who: changedBy, name: change.theirs.name })
                : t('settings.labels.theirNameDescription', { who: changedBy, name: change.theirs.name, description: change.theirs.description })}
            {change.clash ? ` ${t('settings.labels.clash')}` : null}
          </Typography>
          {change.clash ? (
            <Button size="small" onClick={() => onUseTheirs(bit)}>
              {t('settings.labels.useTheirs', { bit })}
            </Button>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
});
