import ArrowForward from '@mui/icons-material/ArrowForward';
import Groups from '@mui/icons-material/Groups';
import Person from '@mui/icons-material/Person';
import Undo from '@mui/icons-material/Undo';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo, useId, type ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import type { AuditEntry, AuditStatus } from '../../../../shared/api/audit';
import { chatErrorMessage } from '../../../../shared/chat-errors/catalogue';
import { useFormat, useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { describeChange } from '../../../entities/marks/model/preview';
import { conversationHistoryHref, historyHref } from '../../../entities/audit/model/filters';
import { EntryLinks } from './EntryLinks';
import { BitNames, CustomMarkText } from './MarkStateView';
import { REASON_TEXT, shownReason } from '../../../entities/audit/model/reason-text';

export const STATUS_LABEL: Record<AuditStatus, PlainMessageKey> = {
  applied: 'history.status.applied',
  unchanged: 'history.status.unchanged',
  conflict: 'history.status.conflict',
  failed: 'history.status.failed',
  unknown: 'history.status.unknown',
};
const STATUS_COLOR = { applied: 'success', unchanged: 'default', conflict: 'default', failed: 'error', unknown: 'default' } as const;
// MUI's filled warning chip has white on orange (3:1); a light orange with black text reads.
const CONFLICT_CHIP = { bgcolor: 'warning.light', color: 'common.black' } as const;

/** An entry the person may undo: applied, with both states known, and not undone yet. */
export function canUndo(entry: AuditEntry): boolean {
  return entry.status === 'applied' && entry.before !== null && entry.after !== null && entry.revertedBy === undefined;
}

type AuditEntryCardProps = { entry: AuditEntry; labeler: BitLabeler; canEdit: boolean; onUndo: (entry: AuditEntry) => void };

/** One audit entry: who, when, which conversation, named bits before → after, custom mark, reason, status. */
export const AuditEntryCard = memo(function AuditEntryCard({ entry, labeler, canEdit, onUndo }: AuditEntryCardProps) {
  const t = useT();
  const format = useFormat();
  const [language] = useLanguage();
  const titleId = useId();
  const { before, after, conversation } = entry;
  const beforeBits = new Set(before?.bits ?? []);
  const afterBits = new Set(after?.bits ?? []);
  const added = new Set([...afterBits].filter((bit) => !beforeBits.has(bit)));
  const removed = new Set([...beforeBits].filter((bit) => !afterBits.has(bit)));
  const customMarkShown = entry.requested.customMark !== undefined || (before?.customMark ?? '') !== '' || (after?.customMark ?? '') !== '';
  const requested = describeChange(
    { setBits: entry.requested.setBits, clearBits: entry.requested.clearBits, ...(entry.requested.customMark === undefined ? {} : { customMark: entry.requested.customMark }) },
    labeler,
    t,
  );
  // Tencent's code says more than the stored sentence, and in the reader's language.
  const outcome = entry.upstreamCode !== undefined ? `${chatErrorMessage(entry.upstreamCode, language)} (${t('history.upstreamCode', { code: entry.upstreamCode })})` : entry.message;

  return (
    <Paper component="article" variant="outlined" aria-labelledby={titleId} data-status={entry.status} sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Chip size="small" label={t(STATUS_LABEL[entry.status])} color={STATUS_COLOR[entry.status]} sx={entry.status === 'conflict' ? CONFLICT_CHIP : undefined} />
        <Typography variant="subtitle1" component="h3" id={titleId} sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0, overflowWrap: 'anywhere' }}>
          {conversation.type === 'group' ? <Groups fontSize="small" color="action" aria-hidden /> : <Person fontSize="small" color="action" aria-hidden />}
          {t('history.entryTitle', { type: t(conversation.type === 'group' ? 'type.group' : 'type.c2c'), id: conversation.id, chatUser: entry.chatUser })}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        {canEdit && canUndo(entry) ? (
          <Button size="small" variant="outlined" startIcon={<Undo />} onClick={() => onUndo(entry)}>
            {t('history.undo')}
          </Button>
        ) : null}
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        <time dateTime={entry.at} title={entry.at}>
          {format.dateTime(entry.at)}
        </time>{' '}
        · {t('history.by', { staff: entry.staff })}
      </Typography>
      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '9rem minmax(0, 1fr)' }, columnGap: 2, rowGap: 0.75, my: 1.5 }}>
        <Field label={t('history.marks')}>
          {before === null && after === null ? (
            <Typography component="span" variant="body2" color="text.secondary">
              {t('history.stateUnknown')}
            </Typography>
          ) : (
            <Box component="span" sx={{ display: 'inline-flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
              {before ? <BitNames bits={before.bits} labeler={labeler} emphasis={{ bits: removed, kind: 'removed' }} /> : <Unknown />}
              <ArrowForward fontSize="small" titleAccess={t('history.becomes')} />
              {after ? <BitNames bits={after.bits} labeler={labeler} emphasis={{ bits: added, kind: 'added' }} /> : <Unknown />}
            </Box>
          )}
        </Field>
        {customMarkShown ? (
          <Field label={t('history.customMark')}>
            <Box component="span" sx={{ display: 'inline-flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
              {before ? <CustomMarkText value={before.customMark} /> : <Unknown />}
              <ArrowForward fontSize="small" titleAccess={t('history.becomes')} />
              {after ? <CustomMarkText value={after.customMark} /> : <Unknown />}
            </Box>
          </Field>
        ) : null}
        {requested ? (
          <Field label={t('history.requested')}>
            <Typography component="span" variant="body2">
              {requested}
            </Typography>
          </Field>
        ) : null}
        <Field label={t('history.reason')}>
          {entry.reason ? (
            <Typography component="span" variant="body2" sx={REASON_TEXT}>
              {shownReason(entry, t)}
            </Typography>
          ) : (
            <Typography component="span" variant="body2" color="text.secondary" sx={{ fontStyle: 'italic' }}>
              {t('history.noReason')}
            </Typography>
          )}
        </Field>
        {outcome ? (
          <Field label={t('history.outcome')}>
            <Typography component="span" variant="body2">
              {outcome}
            </Typography>
          </Field>
        ) : null}
      </Box>
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'baseline' }}>
        <EntryLinks entry={entry} />
        <Link component={RouterLink} to={conversationHistoryHref(entry.chatUser, conversation)} variant="body2">
          {t('history.onlyThisConversation')}
        </Link>
        <Link component={RouterLink} to={`/marks?user=${encodeURIComponent(entry.chatUser)}`} variant="body2">
          {t('history.openInMarks', { chatUser: entry.chatUser })}
        </Link>
        <Link component={RouterLink} to={historyHref({ requestId: entry.requestId })} variant="caption" color="text.secondary" sx={{ fontFamily: 'monospace', ml: 'auto' }}>
          {t('error.requestId', { requestId: entry.requestId })}
        </Link>
      </Stack>
    </Paper>
  );
});

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" sx={{ fontWeight: 600 }}>
        {label}
      </Typography>
      <Box component="dd" sx={{ m: 0, minWidth: 0 }}>
        {children}
      </Box>
    </>
  );
}

function Unknown() {
  const t = useT();
  return (
    <Typography component="span" variant="body2" color="text.secondary">
      {t('history.unknownState')}
    </Typography>
  );
}
