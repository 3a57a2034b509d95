import Chip from '@mui/material/Chip';
import type { JobState, JobStatus } from '../../../../shared/api/jobs';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import { isJobActive } from '../../../entities/jobs/model/job-state';

const STATE_LABEL: Record<JobState, PlainMessageKey> = {
  checked: 'bulk.state.checked',
  running: 'bulk.state.running',
  paused: 'bulk.state.paused',
  done: 'bulk.state.done',
  cancelled: 'bulk.state.cancelled',
  failed: 'bulk.state.failed',
};

const STATE_COLOR = { checked: 'default', running: 'primary', paused: 'default', done: 'success', cancelled: 'default', failed: 'error' } as const;
// MUI's filled warning chip has white on orange (3:1); a light orange with black text reads.
const PAUSED_CHIP = { bgcolor: 'warning.light', color: 'common.black' } as const;

export function JobStateChip({ status }: { status: Pick<JobStatus, 'state' | 'finishedAt'> }) {
  const t = useT();
  // Cancelled, but the calls already sent are still coming back.
  const label = status.state === 'cancelled' && isJobActive(status) ? t('bulk.state.cancelling') : t(STATE_LABEL[status.state]);
  return (
    <Chip
      size="small"
      label={label}
      color={STATE_COLOR[status.state]}
      variant={status.state === 'checked' ? 'outlined' : 'filled'}
      sx={status.state === 'paused' ? PAUSED_CHIP : undefined}
    />
  );
}
