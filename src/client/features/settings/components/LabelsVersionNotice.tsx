import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import { useEffect } from 'react';
import { useFormState, type Control } from 'react-hook-form';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { MarkLabelsVersion } from '../../../entities/marks/api/get-mark-labels';
import type { LabelFormValues } from '../model/label-form';

type Props = {
  control: Control<LabelFormValues>;
  /** The version the form was loaded from. */
  base: MarkLabelsVersion;
  /** The newest version this browser knows of. */
  latest: MarkLabelsVersion;
  reloading: boolean;
  /** A save is under way: its own new version is not "changed elsewhere". */
  saving: boolean;
  onAdopt: (latest: MarkLabelsVersion) => void;
  onLoadTheirs: () => void;
};

/**
 * When the labels changed elsewhere since the form was loaded: an untouched form simply shows the
 * new version; a form with edits says so and offers to load the other version under those edits.
 */
export function LabelsVersionNotice({ control, base, latest, reloading, saving, onAdopt, onLoadTheirs }: Props) {
  const t = useT();
  const { isDirty } = useFormState({ control });
  const changedElsewhere = latest.etag !== base.etag && !saving;
  useEffect(() => {
    if (changedElsewhere && !isDirty) onAdopt(latest);
  }, [changedElsewhere, isDirty, latest, onAdopt]);
  if (!changedElsewhere || !isDirty) return null;
  return (
    <Alert
      severity="warning"
      sx={{ mb: 2 }}
      action={
        <Button color="inherit" size="small" onClick={onLoadTheirs} loading={reloading}>
          {t('settings.labels.loadTheirs')}
        </Button>
      }
    >
      {t('settings.labels.changedElsewhere', { who: latest.updatedBy ?? t('settings.labels.someone') })}{' '}
      {t('settings.labels.changedElsewhereHint')}
    </Alert>
  );
}
