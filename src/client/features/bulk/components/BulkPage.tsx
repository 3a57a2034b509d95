import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { JobStatus } from '../../../../shared/api/jobs';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useCurrentSession, useHasRole } from '../../../lib/session-context';
import { jobsQueryOptions } from '../../../entities/jobs/api/get-jobs';
import { bulkKeys } from '../../../entities/jobs/api/keys';
import { fileFromPrepared, readBulkFile } from '../model/bulk-file-state';
import { JobPanel, NoJobPanel } from './JobPanel';
import { RecentJobs } from './RecentJobs';
import { UploadCard } from './UploadCard';
import { PageHeader } from '../../../components/PageHeader';

/** Bulk: `/bulk?job=<id>`. Upload and check a CSV file, start it, follow it, download its results. */
export default function BulkPage() {
  const t = useT();
  const canEdit = useHasRole('editor');
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const jobId = searchParams.get('job');
  const openJob = useCallback((id: string | null) => setSearchParams(id === null ? {} : { job: id }), [setSearchParams]);

  // Coming back to the page while a job runs (or waits paused), that job is the one in view; else
  // the latest job this person checked and has not started yet.
  const me = useCurrentSession().username;
  const jobs = useQuery(jobsQueryOptions());
  // The checked one only on arrival: a new file chosen later replaces it on purpose.
  const arrivedWithoutJob = useRef(jobId === null);
  const activeJobId = jobs.data?.jobs.find((job) => job.state === 'running' || job.state === 'paused')?.jobId;
  const myCheckedJobId = jobs.data?.jobs.find((job) => job.state === 'checked' && job.createdBy === me)?.jobId;
  useEffect(() => {
    if (!jobs.data) return;
    const arrival = arrivedWithoutJob.current;
    arrivedWithoutJob.current = false;
    const inView = activeJobId ?? (arrival ? myCheckedJobId : undefined);
    if (jobId === null && inView !== undefined) setSearchParams({ job: inView }, { replace: true });
  }, [jobId, activeJobId, myCheckedJobId, setSearchParams, jobs.data]);

  // A file built on the Marks page arrives in the router state; it is taken once, so a reload or a
  // Back does not upload it again.
  const location = useLocation();
  const navigate = useNavigate();
  const [preparedFile, setPreparedFile] = useState<File | null>(() => {
    const prepared = canEdit ? readBulkFile(location.state) : null;
    return prepared ? fileFromPrepared(prepared) : null;
  });
  useEffect(() => {
    if (readBulkFile(location.state) !== null) void navigate({ search: location.search }, { replace: true, state: null });
  }, [location.state, location.search, navigate]);

  // After Start the card is emptied for the next file; the started job stays in view.
  const [uploadCardVersion, setUploadCardVersion] = useState(0);
  const onStarted = useCallback(() => {
    setPreparedFile(null);
    setUploadCardVersion((version) => version + 1);
  }, []);

  // A new file replaces a checked job that was never started; a running one stays in view.
  const onFileChosen = useCallback(() => {
    if (jobId === null) return;
    const status = queryClient.getQueryData<JobStatus>(bulkKeys.job(jobId));
    if (status === undefined || status.state === 'checked') openJob(null);
  }, [jobId, openJob, queryClient]);

  return (
    <Box>
      <PageHeader title={t('bulk.title')} intro={t('bulk.intro')} />
      {canEdit ? null : (
        <Alert severity="info" sx={{ mb: 2 }}>
          {t('bulk.viewerNote')}
        </Alert>
      )}
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: canEdit ? 'minmax(0, 1fr) minmax(0, 1.6fr)' : 'minmax(0, 1fr)' }, alignItems: 'start', mb: 3 }}>
        {canEdit ? <UploadCard key={uploadCardVersion} preparedFile={preparedFile} onFileChosen={onFileChosen} onChecked={openJob} /> : null}
        {jobId === null ? <NoJobPanel canEdit={canEdit} /> : <JobPanel key={jobId} jobId={jobId} canEdit={canEdit} onStarted={onStarted} onOpenJob={openJob} />}
      </Box>
      <RecentJobs currentJobId={jobId} onOpen={openJob} />
    </Box>
  );
}
