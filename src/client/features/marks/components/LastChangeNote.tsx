import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { conversationHistoryHref } from '../../../entities/audit/model/filters';

// Built once: a formatter costs far more to make than to use, and every visible row of the list
// asks for its zone each time it renders (selecting all re-renders them).
let zoneFormat: Intl.DateTimeFormat | undefined;

/** The time zone the browser shows times in, e.g. `GMT+9` or `UTC`. */
export function timeZoneLabel(iso: string): string {
  zoneFormat ??= new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}


/**
 * When a conversation's marks last changed, and whether that was Markdesk (who, with a link to the
 * conversation's history) or something else: the person in the app, or another server.
 */
export function LastChangeNote({ chatUser, entry }: { chatUser: string; entry: ConversationEntry }) {
  const t = useT();
  const format = useFormat();
  const { markUpdatedAt, lastChange } = entry;
  if (markUpdatedAt === null && lastChange === undefined) return null;
  const when = markUpdatedAt === null ? null : `${format.dateTime(markUpdatedAt)} ${timeZoneLabel(markUpdatedAt)}`.trim();
  const source =
    lastChange === undefined
      ? ''
      : lastChange.source === 'markdesk'
        ? lastChange.staff
          ? t('lastChange.markdeskBy', { staff: lastChange.staff })
          : t('lastChange.markdesk')
        : t('lastChange.elsewhere');
  return (
    <Typography variant="caption" color="text.secondary" component="p" sx={{ m: 0 }}>
      {when === null ? t('lastChange.clearedElsewhere') : `${t('lastChange.at', { when })}${source ? ` · ${source}` : ''}`}
      {lastChange !== undefined && (lastChange.source === 'markdesk' || lastChange.afterEntryId) ? (
        <>
          {' · '}
          <Link component={RouterLink} to={conversationHistoryHref(chatUser, entry.conversation)}>
            {t('lastChange.history')}
          </Link>
        </>
      ) : null}
    </Typography>
  );
}
