import TableCell from '@mui/material/TableCell';
import { useFormat } from '../lib/i18n/I18nProvider';

/** A session's two time cells, the same in Account and in Settings: when it started, and how long ago it was last seen. */
export function SessionTimeCells({ createdAt, lastSeenAt }: { createdAt: string; lastSeenAt: string }) {
  const format = useFormat();
  return (
    <>
      <TableCell>
        <time dateTime={createdAt}>{format.dateTime(createdAt)}</time>
      </TableCell>
      <TableCell>
        <time dateTime={lastSeenAt} title={format.dateTime(lastSeenAt)}>
          {format.relativeTime(lastSeenAt)}
        </time>
      </TableCell>
    </>
  );
}
