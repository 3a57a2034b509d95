import Link from '@mui/material/Link';
import { Link as RouterLink } from 'react-router';
import type { AuditEntry } from '../../../../shared/api/audit';
import { useT } from '../../../lib/i18n/I18nProvider';
import { bulkJobOf, historyHref } from '../../../entities/audit/model/filters';

/** Real links from an entry to its undo and back, and to the bulk job that made it. */
export function EntryLinks({ entry }: { entry: AuditEntry }) {
  const t = useT();
  const jobId = bulkJobOf(entry.requestId);
  return (
    <>
      {entry.revertedBy ? (
        <Link component={RouterLink} to={historyHref({ entryId: entry.revertedBy })} variant="body2">
          {t('history.undoneBy', { id: entry.revertedBy })}
        </Link>
      ) : null}
      {entry.revertOf ? (
        <Link component={RouterLink} to={historyHref({ entryId: entry.revertOf })} variant="body2">
          {t('history.undoOf', { id: entry.revertOf })}
        </Link>
      ) : null}
      {jobId ? (
        <Link component={RouterLink} to={historyHref({ jobId })} variant="body2">
          {t('history.bulkJob', { jobId })}
        </Link>
      ) : null}
    </>
  );
}
