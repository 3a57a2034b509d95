import FactCheckOutlined from '@mui/icons-material/FactCheckOutlined';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import { JOB_CSV_COLUMNS, JOB_MAX_ROWS, JOB_UPLOAD_MAX_BYTES } from '../../../../shared/api/jobs';
import { ErrorNotice, RequestId } from '../../../components/ErrorNotice';
import { isApiError } from '../../../lib/api-error';
import { useFormat, useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import { useUploadJob } from '../api/upload-job';
import { formatFileSize } from '../model/format';
import { FileDropZone } from './FileDropZone';
import { TemplateLink } from './TemplateLink';

type UploadCardProps = {
  /** A file prepared on another page: it is checked as soon as the card appears. */
  preparedFile: File | null;
  onFileChosen: () => void;
  onChecked: (jobId: string) => void;
};

/** Choose or drop a CSV file and have the BFF check it; the check becomes the current job. */
export function UploadCard({ preparedFile, onFileChosen, onChecked }: UploadCardProps) {
  const t = useT();
  const [language] = useLanguage();
  const [file, setFile] = useState<File | null>(preparedFile);
  const upload = useUploadJob();
  const tooLarge = file !== null && file.size > JOB_UPLOAD_MAX_BYTES;

  const check = (chosen: File) => upload.mutate(chosen, { onSuccess: (checked) => onChecked(checked.jobId) });

  // Once per prepared file, also under StrictMode's double effects.
  const preparedChecked = useRef(false);
  useEffect(() => {
    if (preparedFile === null || preparedChecked.current) return;
    preparedChecked.current = true;
    check(preparedFile);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs for the prepared file only
  }, [preparedFile]);

  const choose = (chosen: File) => {
    setFile(chosen);
    upload.reset();
    onFileChosen();
  };

  return (
    <Paper component="section" variant="outlined" aria-labelledby="bulk-upload-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="bulk-upload-title" gutterBottom>
        {t('bulk.newJob')}
      </Typography>
      {preparedFile !== null && file === preparedFile ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          {t('bulk.prepared')}
        </Alert>
      ) : null}
      <FileDropZone file={file} onFile={choose} disabled={upload.isPending} />
      {tooLarge ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {t('bulk.fileTooLarge', { size: formatFileSize(file.size, language), max: formatFileSize(JOB_UPLOAD_MAX_BYTES, language) })}
        </Alert>
      ) : null}
      <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button variant="contained" startIcon={<FactCheckOutlined />} onClick={() => file && check(file)} disabled={file === null || tooLarge} loading={upload.isPending} loadingPosition="start">
          {t('bulk.check')}
        </Button>
        <Typography variant="body2" color="text.secondary" sx={{ flex: '1 1 12em' }} role={upload.isPending ? 'status' : undefined}>
          {upload.isPending ? t('bulk.checking') : t('bulk.checkHelp')}
        </Typography>
      </Stack>
      {upload.isError ? (
        <Box sx={{ mt: 2 }}>
          <UploadError error={upload.error} />
        </Box>
      ) : null}
      <FormatHelp />
    </Paper>
  );
}

/** A refused file: the BFF's own sentence says exactly what is wrong with it (which line, which column). */
function UploadError({ error }: { error: unknown }) {
  const t = useT();
  if (isApiError(error) && (error.status === 400 || error.status === 413)) {
    return (
      <Alert severity="error" role="alert">
        <AlertTitle>{t('bulk.fileRefusedTitle')}</AlertTitle>
        {error.message}
        {error.requestId ? <RequestId requestId={error.requestId} /> : null}
      </Alert>
    );
  }
  return <ErrorNotice error={error} title={t('bulk.fileRefusedTitle')} />;
}

function FormatHelp() {
  const t = useT();
  const format = useFormat();
  return (
    <Box component="section" aria-labelledby="bulk-format-title" sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" component="h3" id="bulk-format-title" sx={{ flexGrow: 1 }}>
          {t('bulk.formatTitle')}
        </Typography>
        <TemplateLink />
      </Stack>
      <Typography variant="body2" color="text.secondary">
        {t('bulk.formatHeader')}
      </Typography>
      <Box component="code" sx={{ display: 'block', fontSize: '0.8125rem', p: 1, my: 0.5, borderRadius: 1, bgcolor: 'action.hover', overflowWrap: 'anywhere' }}>
        {JOB_CSV_COLUMNS.join(',')}
      </Box>
      <Box component="ul" sx={{ m: 0, pl: 2.5, typography: 'body2', color: 'text.secondary' }}>
        <li>{t('bulk.formatBits')}</li>
        <li>{t('bulk.formatCustomMark')}</li>
        <li>{t('bulk.formatLimits', { maxRows: format.number(JOB_MAX_ROWS) })}</li>
      </Box>
    </Box>
  );
}
