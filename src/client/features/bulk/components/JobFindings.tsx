import Download from '@mui/icons-material/Download';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { JOB_IMPACT_KINDS, type JobImpact, type JobReasonCount, type JobStatus } from '../../../../shared/api/jobs';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { jobImpactHref, jobInvalidHref, jobReportQueryOptions } from '../api/job-follow-ups';

type JobFindingsProps = { status: JobStatus; impactMessage?: string | undefined };

/** What the check found in Chat (with a CSV per kind), refused lines by reason and failed rows by reason. */
export function JobFindings({ status, impactMessage }: JobFindingsProps) {
  const invalid = status.invalid ?? 0;
  const report = useQuery({ ...jobReportQueryOptions(status.jobId, status.state), enabled: status.state !== 'running' });
  const data = report.data;
  return (
    <Box>
      {impactMessage ? (
        <Alert severity="info" sx={{ mt: 2 }}>
          {impactMessage}
        </Alert>
      ) : null}
      {data?.impact && status.state === 'checked' ? <Impact jobId={status.jobId} impact={data.impact} /> : null}
      {data && invalid > 0 ? <RefusedLines jobId={status.jobId} reasons={data.invalidByReason} /> : null}
      {data && status.failed > 0 && data.failedByReason.length > 0 ? <Reasons id="bulk-failed-reasons" title="bulk.failedByReason" reasons={data.failedByReason} /> : null}
    </Box>
  );
}

function Impact({ jobId, impact }: { jobId: string; impact: JobImpact }) {
  const t = useT();
  const format = useFormat();
  return (
    <Box component="section" aria-labelledby="bulk-impact-title" sx={{ mt: 2 }}>
      <Typography variant="subtitle1" component="h3" id="bulk-impact-title">
        {t('bulk.impactTitle')}
      </Typography>
      <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
        {JOB_IMPACT_KINDS.map((kind) => {
          const label = t(`bulk.impact.${kind}`, { count: format.number(impact[kind]) });
          return (
            <Box component="li" key={kind} data-testid={`impact-${kind}`} sx={{ py: 0.25 }}>
              <Typography component="span" variant="body2" sx={{ fontWeight: impact[kind] > 0 ? 600 : 400 }}>
                {label}
              </Typography>
              {impact[kind] > 0 ? (
                <Button component="a" href={jobImpactHref(jobId, kind)} download size="small" startIcon={<Download />} aria-label={t('bulk.impactDownloadLabel', { what: label })} sx={{ ml: 1 }}>
                  {t('bulk.impactDownload')}
                </Button>
              ) : null}
            </Box>
          );
        })}
      </Box>
      {impact.examples.length > 0 ? (
        <Box sx={{ mt: 1 }}>
          <Typography variant="body2" color="text.secondary">
            {t('bulk.impactExamples')}
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {impact.examples.map((example) => (
              <Typography component="li" variant="body2" key={example.line} sx={{ overflowWrap: 'anywhere' }}>
                {t('bulk.impactExample', {
                  line: format.number(example.line),
                  chatUser: example.chatUser,
                  conversation: example.conversation.id,
                  from: example.from,
                  to: example.to === '' ? t('bulk.customMarkCleared') : `“${example.to}”`,
                })}
              </Typography>
            ))}
          </Box>
        </Box>
      ) : null}
    </Box>
  );
}

function RefusedLines({ jobId, reasons }: { jobId: string; reasons: readonly JobReasonCount[] }) {
  const t = useT();
  return (
    <Box sx={{ mt: 2 }}>
      <Reasons id="bulk-refused-reasons" title="bulk.refusedByReason" reasons={reasons} />
      <Button component="a" href={jobInvalidHref(jobId)} download variant="outlined" size="small" startIcon={<Download />} sx={{ mt: 1 }}>
        {t('bulk.refusedDownload')}
      </Button>
    </Box>
  );
}

function Reasons({ id, title, reasons }: { id: string; title: 'bulk.refusedByReason' | 'bulk.failedByReason'; reasons: readonly JobReasonCount[] }) {
  const t = useT();
  const format = useFormat();
  return (
    <Box component="section" aria-labelledby={id} sx={{ mt: 2 }}>
      <Typography variant="subtitle1" component="h3" id={id}>
        {t(title)}
      </Typography>
      <Box component="ul" aria-labelledby={id} sx={{ m: 0, pl: 2.5 }}>
        {reasons.map((entry) => (
          <Typography component="li" variant="body2" key={entry.reason} sx={{ overflowWrap: 'anywhere' }}>
            {t('bulk.reasonCount', { count: format.number(entry.count), reason: entry.reason })}
          </Typography>
        ))}
      </Box>
    </Box>
  );
}
