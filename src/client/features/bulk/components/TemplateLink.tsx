import Download from '@mui/icons-material/Download';
import Button from '@mui/material/Button';
import { useT } from '../../../lib/i18n/I18nProvider';
import { JOB_CSV_TEMPLATE_NAME, jobCsvTemplate } from '../../../entities/jobs/model/job-csv';

// Built in the browser from the contract's columns, so it can never drift from what the BFF reads.
// A data: address rather than a blob: one: nothing to revoke, and the link can be copied.
const TEMPLATE_HREF = `data:text/csv;charset=utf-8,${encodeURIComponent(jobCsvTemplate())}`;

/** Downloads the template: the header and two example rows. */
export function TemplateLink() {
  const t = useT();
  return (
    <Button component="a" href={TEMPLATE_HREF} download={JOB_CSV_TEMPLATE_NAME} startIcon={<Download />}>
      {t('bulk.template')}
    </Button>
  );
}
