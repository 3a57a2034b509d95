import Save from '@mui/icons-material/Save';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { memo } from 'react';
import { useForm, useFormState, type Control, type UseFormRegister } from 'react-hook-form';
import type { LabelMap } from '../../../../shared/api/labels';
import { CUSTOM_BITS } from '../../../../shared/marks/bits';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { useToast } from '../../../components/ToastProvider';
import { useT } from '../../../lib/i18n/I18nProvider';
import { markLabelsQueryOptions } from '../../marks/api/get-mark-labels';
import { useSaveMarkLabels } from '../api/save-mark-labels';
import { labelFieldName, labelFormValues, labelsFromForm, type LabelFormValues } from '../model/label-form';

/** Names and descriptions of the custom bits 32–63, used wherever bits are shown. */
export function LabelsSection() {
  const t = useT();
  const toast = useToast();
  const labels = useQuery(markLabelsQueryOptions());
  // Here, not in the form: a save remounts the form, and a mutation's callbacks die with its component.
  const save = useSaveMarkLabels();
  const onSave = (request: { labels: LabelMap }) => save.mutate(request, { onSuccess: () => toast({ severity: 'success', message: t('settings.labels.saved') }) });
  if (labels.isPending) return <PageSkeleton rows={8} />;
  if (labels.isError) return <ErrorNotice error={labels.error} onRetry={() => void labels.refetch()} />;
  // Mounted with the server's labels as initial values; a save replaces them and remounts the form.
  return <LabelsForm key={labels.dataUpdatedAt} labels={labels.data.labels} saving={save.isPending} saveError={save.error} onSave={onSave} />;
}

type LabelsFormProps = { labels: LabelMap; saving: boolean; saveError: Error | null; onSave: (request: { labels: LabelMap }) => void };

function LabelsForm({ labels, saving, saveError, onSave }: LabelsFormProps) {
  const t = useT();
  // The form itself subscribes to nothing: each row reads its own errors, the buttons the dirty state,
  // so a keystroke or an error re-renders one row, not 64 fields.
  const { register, handleSubmit, setError, control, reset } = useForm<LabelFormValues>({ defaultValues: labelFormValues(labels) });

  const submit = handleSubmit((values) => {
    const outcome = labelsFromForm(values, t);
    if ('problems' in outcome) {
      outcome.problems.forEach((problem, index) => setError(labelFieldName(problem.bit, problem.field), { message: problem.message }, { shouldFocus: index === 0 }));
      return;
    }
    onSave({ labels: outcome.labels });
  });

  return (
    <Paper component="form" variant="outlined" noValidate onSubmit={submit} aria-labelledby="labels-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="labels-title">
        {t('settings.labels.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('settings.labels.intro')}
      </Typography>
      <Box role="list" sx={{ display: 'grid', gap: 1 }}>
        {CUSTOM_BITS.map((bit) => (
          <LabelRow key={bit} bit={bit} register={register} control={control} />
        ))}
      </Box>
      {saveError ? (
        <Box sx={{ mt: 2 }}>
          <ErrorNotice error={saveError} />
        </Box>
      ) : null}
      <SaveBar control={control} saving={saving} onDiscard={() => reset()} />
    </Paper>
  );
}

function SaveBar({ control, saving, onDiscard }: { control: Control<LabelFormValues>; saving: boolean; onDiscard: () => void }) {
  const t = useT();
  const { isDirty } = useFormState({ control });
  return (
    // Sticky at the bottom of the window while the 32 rows scroll; above the fields' floating labels.
    <Stack direction="row" spacing={1} sx={{ mt: 2, position: 'sticky', bottom: 0, zIndex: 2, bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider', py: 1 }}>
      <Button type="submit" variant="contained" startIcon={<Save />} loading={saving} disabled={!isDirty}>
        {t('settings.labels.save')}
      </Button>
      <Button type="button" onClick={onDiscard} disabled={!isDirty || saving}>
        {t('settings.labels.discard')}
      </Button>
    </Stack>
  );
}

const LabelRow = memo(function LabelRow({ bit, register, control }: { bit: number; register: UseFormRegister<LabelFormValues>; control: Control<LabelFormValues> }) {
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
    </Box>
  );
});
