import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { SURVEY_MAX_USERS, type SurveyCreateRequest } from '../../../../shared/api/insights';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { jobsQueryOptions } from '../../../entities/jobs/api/get-jobs';
import { useCreateSurvey } from '../api/surveys';
import { parseCsvIds, parsePastedIds, tooMany } from '../model/user-ids';
import { defaultRange } from '../model/url-state';
import { shortId } from '../../../../shared/short-id';

type Source = 'paste' | 'file' | 'job' | 'audit';

/** Who to survey: pasted IDs, a CSV file of IDs, the users of a bulk job, or those in the audit log between dates. */
export function NewSurveyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const t = useT();
  const format = useFormat();
  const create = useCreateSurvey();
  const jobs = useQuery({ ...jobsQueryOptions(), enabled: open });
  const [source, setSource] = useState<Source>('paste');
  const [pasted, setPasted] = useState('');
  const [fileIds, setFileIds] = useState<string[] | null>(null);
  const [jobId, setJobId] = useState('');
  const [range, setRange] = useState(defaultRange());
  const [includeRecent, setIncludeRecent] = useState(false);
  const [label, setLabel] = useState('');

  const ids = source === 'paste' ? parsePastedIds(pasted) : source === 'file' ? (fileIds ?? []) : [];
  const idProblem = (source === 'paste' || source === 'file') && tooMany(ids) ? t('insights.new.tooMany', { max: format.number(SURVEY_MAX_USERS) }) : null;
  const ready = source === 'job' ? jobId !== '' : source === 'audit' ? range.from <= range.to : ids.length > 0 && idProblem === null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const common = { includeRecent, ...(label.trim() ? { label: label.trim() } : {}) };
    const request: SurveyCreateRequest =
      source === 'job'
        ? { jobId, ...common }
        : source === 'audit'
          ? { auditFrom: `${range.from}T00:00:00.000Z`, auditTo: `${range.to}T23:59:59.999Z`, ...common }
          : { users: ids, ...common };
    create.mutate(request, { onSuccess: (created) => onCreated(created.surveyId) });
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="new-survey-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="new-survey-title">{t('insights.new.title')}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography color="text.secondary">{t('insights.new.intro')}</Typography>
            <ToggleButtonGroup exclusive size="small" value={source} onChange={(_, next: Source | null) => next && setSource(next)} aria-label={t('insights.new.source')}>
              <ToggleButton value="paste">{t('insights.new.source.paste')}</ToggleButton>
              <ToggleButton value="file">{t('insights.new.source.file')}</ToggleButton>
              <ToggleButton value="job">{t('insights.new.source.job')}</ToggleButton>
              <ToggleButton value="audit">{t('insights.new.source.audit')}</ToggleButton>
            </ToggleButtonGroup>
            {source === 'paste' ? (
              <TextField label={t('insights.new.ids')} multiline minRows={4} maxRows={10} value={pasted} onChange={(event) => setPasted(event.target.value)} helperText={t('insights.new.idsHelp', { count: format.number(ids.length) })} />
            ) : null}
            {source === 'file' ? (
              <Stack spacing={1}>
                <Button variant="outlined" component="label">
                  {t('insights.new.chooseFile')}
                  <input
                    type="file"
                    accept=".csv,text/csv,text/plain"
                    hidden
                    aria-label={t('insights.new.file')}
                    onChange={async (event) => {
                      const file = event.target.files?.[0];
                      setFileIds(file ? parseCsvIds(await file.text()) : null);
                    }}
                  />
                </Button>
                <Typography>{fileIds === null ? t('insights.new.noFile') : t('insights.new.fileIds', { count: format.number(fileIds.length) })}</Typography>
              </Stack>
            ) : null}
            {source === 'job' ? (
              <TextField select label={t('insights.new.job')} value={jobId} onChange={(event) => setJobId(event.target.value)}>
                {(jobs.data?.jobs ?? []).map((job) => (
                  <MenuItem key={job.jobId} value={job.jobId}>
                    {t('insights.jobOption', { id: shortId(job.jobId), rows: format.number(job.total), at: format.dateTime(job.createdAt) })}
                  </MenuItem>
                ))}
              </TextField>
            ) : null}
            {source === 'audit' ? (
              <Stack direction="row" spacing={2}>
                <TextField type="date" label={t('insights.from')} value={range.from} onChange={(event) => setRange({ ...range, from: event.target.value })} slotProps={{ inputLabel: { shrink: true } }} />
                <TextField type="date" label={t('insights.to')} value={range.to} onChange={(event) => setRange({ ...range, to: event.target.value })} slotProps={{ inputLabel: { shrink: true } }} />
              </Stack>
            ) : null}
            {idProblem ? <Alert severity="error">{idProblem}</Alert> : null}
            <TextField label={t('insights.new.label')} value={label} onChange={(event) => setLabel(event.target.value)} helperText={t('insights.new.labelHelp')} slotProps={{ htmlInput: { maxLength: 80 } }} />
            <FormControlLabel control={<Checkbox checked={includeRecent} onChange={(event) => setIncludeRecent(event.target.checked)} />} label={t('insights.new.includeRecent')} />
            {create.isError ? <ErrorNotice error={create.error} /> : null}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('insights.new.close')}</Button>
          <Button type="submit" variant="contained" disabled={!ready || create.isPending}>
            {t('insights.new.start')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
