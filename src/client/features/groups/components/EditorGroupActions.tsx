import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { memo, useId, useState } from 'react';
import { GROUP_REQUEST_MAX_CONVERSATIONS, type GroupAuditEntry } from '../../../../shared/api/groups';
import type { Conversation } from '../../../../shared/marks/conversation';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useChangeGroupMembers, useGroups } from '../api/groups-api';
import { changeProblem } from './ManageGroupsDialog';
import { Field } from '../../../components/Field';

type Props = {
  userId: string;
  /** The editor's conversations, read when Add or Remove is pressed. */
  conversations: () => readonly Conversation[];
  /** The editor's Reason, sent with the change (it lands in History beside the mark changes). */
  reason: () => string;
};

type Outcome = { severity: 'success' | 'info' | 'warning' | 'error'; message: string };

/**
 * The selected conversations into a conversation group, or out of one, from the editor: pick one of
 * the user's groups, then Add or Remove. Through the groups API (POST …/groups/:id/conversations),
 * so each change is one audited entry that History can undo. Editors only (the caller checks).
 * Memoised: its props stay the same while the selection changes.
 */
export const EditorGroupActions = memo(function EditorGroupActions({ userId, conversations: currentConversations, reason }: Props) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describe = useDescribeError();
  const titleId = useId();
  const groups = useGroups(userId);
  const change = useChangeGroupMembers(userId);
  const [groupId, setGroupId] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const list = groups.data?.groups ?? [];
  const group = list.find((candidate) => String(candidate.id) === groupId);

  const run = async (action: 'add' | 'remove') => {
    const conversations = currentConversations();
    if (!group || conversations.length === 0) return;
    setOutcome(null);
    const text = reason();
    const changes: GroupAuditEntry[] = [];
    try {
      // One request takes at most 1,000 conversations: a longer selection goes in turns.
      for (let start = 0; start < conversations.length; start += GROUP_REQUEST_MAX_CONVERSATIONS) {
        const chunk = conversations.slice(start, start + GROUP_REQUEST_MAX_CONVERSATIONS);
        const answer = await change.mutateAsync({ groupId: group.id, [action]: [...chunk], ...(text === '' ? {} : { reason: text }) });
        changes.push(...answer);
      }
    } catch (error) {
      const { sentence } = describe(error);
      setOutcome({ severity: 'error', message: sentence });
      return;
    }
    const moved = changes.reduce((sum, entry) => sum + entry.changed.length, 0);
    const failed = changes.reduce((sum, entry) => sum + entry.failed.length, 0);
    const problems = changes.filter((entry) => entry.status !== 'applied' && entry.status !== 'unchanged').map((entry) => changeProblem(entry, t));
    const done =
      moved === 0
        ? t('groups.unchanged')
        : t(action === 'add' ? 'editor.groupsAdded' : 'editor.groupsRemoved', { name: group.name, count: format.number(moved) });
    if (problems.length === 0 && failed === 0) {
      setOutcome({ severity: moved === 0 ? 'info' : 'success', message: done });
      if (moved > 0) toast({ severity: 'success', message: done });
      return;
    }
    const firstFailure = changes.flatMap((entry) => entry.failed)[0];
    const said = [moved > 0 ? done : null, ...problems, failed > 0 && firstFailure ? t('groups.someFailed', { count: format.number(failed), message: firstFailure.message }) : null];
    setOutcome({ severity: 'warning', message: said.filter(Boolean).join(' ') });
  };

  return (
    <Box component="section" aria-labelledby={titleId} sx={{ mt: 2, pt: 2, borderTop: 1, borderColor: 'divider' }}>
      <Typography variant="subtitle2" component="h3" id={titleId} sx={{ mb: 1 }}>
        {t('editor.groupsTitle')}
      </Typography>
      {groups.isError && !groups.data ? <Alert severity="error">{describe(groups.error).sentence}</Alert> : null}
      {groups.data && list.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('editor.groupsNone')}
        </Typography>
      ) : null}
      {list.length > 0 ? (
        <>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <Field
              select
              size="small"
              label={t('editor.groupsPick')}
              value={groupId}
              onChange={(event) => setGroupId(event.target.value)}
              sx={{ minWidth: 160, flexGrow: 1 }}
            >
              <option value="" />
              {list.map((candidate) => (
                <option key={candidate.id} value={String(candidate.id)}>
                  {candidate.name} ({format.number(candidate.conversationCount)})
                </option>
              ))}
            </Field>
            <Button size="small" variant="outlined" disabled={!group || change.isPending} onClick={() => void run('add')}>
              {t('editor.groupsAdd')}
            </Button>
            <Button size="small" disabled={!group || change.isPending} onClick={() => void run('remove')}>
              {t('editor.groupsRemove')}
            </Button>
          </Box>
          <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
            {t('editor.groupsHelp')}
          </Typography>
        </>
      ) : null}
      <Box role="status" sx={{ mt: outcome ? 1 : 0 }}>
        {outcome ? <Alert severity={outcome.severity}>{outcome.message}</Alert> : null}
      </Box>
    </Box>
  );
});
