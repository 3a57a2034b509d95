import type { JobStatus } from '../../../../shared/api/jobs';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';

/** Cancelling cannot be taken back: say what stays written and what will never be sent. */
export function CancelJobDialog({ status, onConfirm, onClose }: { status: JobStatus; onConfirm: () => void; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const remaining = format.number(Math.max(0, status.total - status.done));
  return (
    <ConfirmDialog
      title={t('bulk.cancelTitle')}
      body={status.done === 0 ? t('bulk.cancelBodyNothingSent', { remaining }) : t('bulk.cancelBody', { remaining })}
      confirmLabel={t('bulk.confirmCancel')}
      cancelLabel={t('bulk.keepJob')}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );
}
