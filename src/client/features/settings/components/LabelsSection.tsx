import Save from '@mui/icons-material/Save';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useForm, useFormState, type Control } from 'react-hook-form';
import { CUSTOM_BITS } from '../../../../shared/marks/bits';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { markLabelsQueryOptions, type MarkLabelsVersion } from '../../../entities/marks/api/get-mark-labels';
import { labelsConflict, useSaveMarkLabels } from '../api/save-mark-labels';
import { labelFieldName, labelFormValues, labelsFromForm, type LabelFormValues } from '../model/label-form';
import { mergeLabelEdits, type TheirChange } from '../model/label-merge';
import { LabelRow } from './LabelRow';
import { LabelsVersionNotice } from './LabelsVersionNotice';

/** Names and descriptions of the custom bits 32–63, used wherever bits are shown. */
export function LabelsSection() {
  // Always read afresh when Settings opens: editing a cached copy would only end in a refusal.
  const labels = useQuery({ ...markLabelsQueryOptions(), refetchOnMount: 'always' });
  // Once the fresh read arrived the form stays, whatever later background reads bring or fail with.
  const [ready, setReady] = useState(false);
  if (!ready && labels.isFetchedAfterMount && labels.isSuccess) setReady(true);
  if (!ready || labels.data === undefined) {
    if (labels.isError) return <ErrorNotice error={labels.error} onRetry={() => void labels.refetch()} />;
    return <PageSkeleton rows={8} />;
  }
  const reload = async () => {
    const result = await labels.refetch();
    if (result.error) throw result.error;
    return result.data;
  };
  return <LabelsForm latest={labels.data} reload={reload} />;
}

type LabelsFormProps = {
  /** The labels as this browser last heard of them (background reads, the 412 of a save). */
  latest: MarkLabelsVersion;
  /** Reads the labels again and answers them; throws when that failed. */
  reload: () => Promise<MarkLabelsVersion | undefined>;
};

function LabelsForm({ latest, reload }: LabelsFormProps) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const save = useSaveMarkLabels();
  // The version the form's unchanged values come from: the one a save names in If-Match.
  const [base, setBase] = useState(latest);
  // After loading someone else's version over the admin's edits: the bits they changed.
  const [theirChanges, setTheirChanges] = useState<Record<number, TheirChange> | null>(null);
  const [reloading, setReloading] = useState(false);
  const [reloadError, setReloadError] = useState<Error | null>(null);
  // The form itself subscribes to nothing: each row reads its own errors, the buttons the dirty state,
  // so a keystroke or an error re-renders one row, not 64 fields.
  const { register, handleSubmit, setError, control, reset, getValues, setValue } = useForm<LabelFormValues>({ defaultValues: labelFormValues(base.labels) });

  const adopt = useCallback(
    (next: MarkLabelsVersion) => {
      setBase(next);
      setTheirChanges(null);
      setReloadError(null);
      reset(labelFormValues(next.labels));
    },
    [reset],
  );

  const loadTheirs = async () => {
    setReloading(true);
    setReloadError(null);
    try {
      const current = await reload();
      if (!current) return;
      const merge = mergeLabelEdits(getValues(), base.labels, current.labels);
      setBase(current);
      setTheirChanges(merge.changes);
      // Their version becomes what "Discard" returns to; the fields keep the admin's edits on top.
      reset(labelFormValues(current.labels));
      reset(merge.values, { keepDefaultValues: true });
      save.reset();
    } catch (error) {
      setReloadError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setReloading(false);
    }
  };

  const takeTheirs = useCallback(
    (bit: number) => {
      const theirs = theirChanges?.[bit]?.theirs ?? null;
      setValue(labelFieldName(bit, 'name'), theirs?.name ?? '', { shouldDirty: true });
      setValue(labelFieldName(bit, 'description'), theirs?.description ?? '', { shouldDirty: true });
      setTheirChanges((changes) => (changes && changes[bit] ? { ...changes, [bit]: { ...changes[bit], clash: false } } : changes));
    },
    [setValue, theirChanges],
  );

  const submit = handleSubmit((values) => {
    const outcome = labelsFromForm(values, t);
    if ('problems' in outcome) {
      outcome.problems.forEach((problem, index) => setError(labelFieldName(problem.bit, problem.field), { message: problem.message }, { shouldFocus: index === 0 }));
      return;
    }
    setReloadError(null);
    save.mutate(
      { labels: outcome.labels, etag: base.etag },
      {
        onSuccess: (saved) => {
          adopt(saved);
          toast({ severity: 'success', message: t('settings.labels.saved') });
        },
      },
    );
  });

  const someone = t('settings.labels.someone');
  const changedBy = base.updatedBy ?? someone;
  // A refusal because someone saved first is explained by the version notice, not as an error.
  const saveError = reloadError ?? (save.error && labelsConflict(save.error) === null ? save.error : null);

  return (
    <Paper component="form" variant="outlined" noValidate onSubmit={submit} aria-labelledby="labels-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="labels-title">
        {t('settings.labels.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t('settings.labels.intro')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }} data-testid="labels-last-changed">
        {base.updatedAt === null
          ? t('settings.labels.neverChanged')
          : base.updatedBy === null
            ? t('settings.labels.lastChangedAt', { when: format.dateTime(base.updatedAt) })
            : t('settings.labels.lastChanged', { who: base.updatedBy, when: format.dateTime(base.updatedAt) })}
      </Typography>
      <LabelsVersionNotice control={control} base={base} latest={latest} reloading={reloading} saving={save.isPending} onAdopt={adopt} onLoadTheirs={() => void loadTheirs()} />
      {theirChanges ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          {t('settings.labels.merged', { who: changedBy })}
        </Alert>
      ) : null}
      <Box role="list" sx={{ display: 'grid', gap: 1 }}>
        {CUSTOM_BITS.map((bit) => (
          <LabelRow key={bit} bit={bit} register={register} control={control} change={theirChanges?.[bit]} changedBy={changedBy} onUseTheirs={takeTheirs} />
        ))}
      </Box>
      {saveError ? (
        <Box sx={{ mt: 2 }}>
          <ErrorNotice error={saveError} />
        </Box>
      ) : null}
      <SaveBar control={control} saving={save.isPending} onDiscard={() => reset()} />
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
