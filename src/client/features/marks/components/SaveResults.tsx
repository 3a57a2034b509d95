import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef } from 'react';
import type { MarkResult, MarkResultStatus } from '../../../../shared/api/marks';
import { conversationKey } from '../../../../shared/marks/conversation';
import { describeFailure } from '../../../lib/describe-error';
import { useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';

const STATUS_ORDER: Record<MarkResultStatus, number> = { failed: 0, conflict: 1, applied: 2, unchanged: 3 };
const STATUS_LABEL: Record<MarkResultStatus, PlainMessageKey> = {
  applied: 'results.applied',
  unchanged: 'results.unchanged',
  conflict: 'results.conflict',
  failed: 'results.failed',
};
const STATUS_COLOR = { applied: 'success', unchanged: 'default', conflict: 'warning', failed: 'error' } as const;

export function countByStatus(results: readonly MarkResult[]): Record<MarkResultStatus, number> {
  const counts = { applied: 0, unchanged: 0, conflict: 0, failed: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

type SaveResultsProps = {
  results: readonly MarkResult[];
  onReapply: () => void;
  reapplying: boolean;
  canEdit: boolean;
  onDismiss: () => void;
  /** A new value after each save: the heading takes the focus, so the results are read next. */
  focusKey?: number | undefined;
};

/** One line per conversation of the last save: applied / unchanged / conflict / failed with a human sentence. */
export function SaveResults({ results, onReapply, reapplying, canEdit, onDismiss, focusKey }: SaveResultsProps) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusKey !== undefined) heading.current?.focus();
  }, [focusKey]);
  const [language] = useLanguage();
  const counts = countByStatus(results);
  const ordered = [...results].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);

  const detail = (result: MarkResult): string => {
    switch (result.status) {
      case 'applied':
        return '';
      case 'unchanged':
        return t('results.unchangedHelp');
      case 'conflict':
        return t('results.conflictHelp', { current: result.after.customMark });
      case 'failed':
        return describeFailure(result, t, language);
    }
  };

  return (
    <Paper component="section" variant="outlined" aria-labelledby="save-results-title" sx={{ p: 2, mt: 2 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="subtitle1" component="h2" id="save-results-title" ref={heading} tabIndex={-1} sx={{ flexGrow: 1 }}>
          {t('results.title')}
        </Typography>
        {counts.conflict > 0 && canEdit ? (
          <Button size="small" variant="contained" color="warning" onClick={onReapply} loading={reapplying}>
            {t('results.reloadReapply')}
          </Button>
        ) : null}
        <Button size="small" onClick={onDismiss}>
          {t('results.dismiss')}
        </Button>
      </Stack>
      <Typography variant="body2" role="status" sx={{ mb: 1 }}>
        {t('results.summary', counts)}
      </Typography>
      <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0, maxHeight: 320, overflowY: 'auto' }} tabIndex={0} aria-labelledby="save-results-title">
        {ordered.map((result) => (
          <Box
            component="li"
            key={conversationKey(result.conversation)}
            data-status={result.status}
            sx={{ display: 'flex', gap: 1, alignItems: 'baseline', py: 0.5, borderBottom: 1, borderColor: 'divider' }}
          >
            <Chip size="small" color={STATUS_COLOR[result.status]} label={t(STATUS_LABEL[result.status])} sx={{ flexShrink: 0 }} />
            <Typography variant="body2" sx={{ fontFamily: 'monospace', flexShrink: 0 }}>
              {result.conversation.id}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
              {detail(result)}
            </Typography>
          </Box>
        ))}
      </Box>
    </Paper>
  );
}
