import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { usePrefetchQuery, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useEffect, type ReactNode } from 'react';
import type { ConversationEntry, ConversationGroup } from '../../../../shared/api/chat-users';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { isApiError } from '../../../lib/api-error';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useT } from '../../../lib/i18n/I18nProvider';
import { chatUserQueryOptions } from '../../marks/api/get-chat-user';
import { conversationsQueryOptions } from '../../marks/api/get-conversations';
import { markLabelsQueryOptions } from '../../marks/api/get-mark-labels';
import { rememberChatUser } from '../hooks/use-recent-chat-users';

export type LoadedConversations = {
  entries: ConversationEntry[];
  /** The user's conversation groups (a row names its own in `groupIds`). */
  groups: ConversationGroup[];
  /** Rows Chat sent that could not be read and are not in `entries`. */
  skipped: number;
  /** Changes whenever the list is refetched. */
  dataVersion: number;
  refetch: () => Promise<ConversationEntry[] | undefined>;
};

/**
 * Loads a chat user for a page (Marks, Inspect): the check that the user is imported, the
 * conversations and the bit labels are requested side by side (for a user who is not imported
 * the conversations answer CHAT_USER_NOT_FOUND); skeletons, errors and "not imported" are shown
 * here, the page gets the list.
 */
export function ChatUserConversations({
  userId,
  children,
  skeleton = <PageSkeleton rows={8} />,
}: {
  userId: string;
  children: (loaded: LoadedConversations) => ReactNode;
  /** What stands in for the page's part while its data loads (a page may show its frame). */
  skeleton?: ReactNode;
}) {
  const t = useT();
  const describeError = useDescribeError();
  const chatUser = useQuery(chatUserQueryOptions(userId));
  const imported = chatUser.data?.imported === true;
  const conversations = useQuery(conversationsQueryOptions(userId));
  usePrefetchQuery(markLabelsQueryOptions());
  // The list is first drawn by an interruptible render: a query's answer is rendered at once and in
  // one piece, which for a heavy user's page held the main thread for about 0.7 s on a slow laptop,
  // clicks and keys waiting behind it. The skeleton stays until that render is done, also when both
  // answers are already cached; later answers (a refetch after a save) are drawn at once, as before.
  const ready = chatUser.data !== undefined && conversations.data !== undefined;
  const drawn = useDeferredValue(ready, false);

  useEffect(() => {
    if (imported) rememberChatUser(userId);
  }, [imported, userId]);

  // A refetch that fails (the server stopped, a 5xx) keeps what was loaded on screen, and with it
  // whatever the person was doing there (a selection, an unsaved change): only a first load that
  // fails is an error page.
  if (chatUser.isPending) return skeleton;
  if (chatUser.data === undefined) return <ErrorNotice error={chatUser.error} onRetry={() => void chatUser.refetch()} />;
  const notImported =
    !imported || (conversations.isError && isApiError(conversations.error) && conversations.error.code === 'CHAT_USER_NOT_FOUND');
  if (notImported) {
    return (
      <Alert severity="warning" role="alert">
        <AlertTitle>{t('marks.notImportedTitle')}</AlertTitle>
        {t('marks.notImported', { userId })}
      </Alert>
    );
  }
  if (conversations.isPending || (ready && !drawn)) return skeleton;
  if (conversations.data === undefined) return <ErrorNotice error={conversations.error} onRetry={() => void conversations.refetch()} />;
  const skipped = conversations.data.skipped ?? 0;
  const refreshError = conversations.isError ? conversations.error : chatUser.isError ? chatUser.error : null;
  return (
    <>
      {refreshError ? (
        <Alert severity="warning" sx={{ mb: 2 }}>
          {t('marks.refreshFailed', { sentence: describeError(refreshError).sentence })}
        </Alert>
      ) : null}
      {skipped > 0 ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          {skipped === 1 ? t('marks.skippedOne') : t('marks.skippedMany', { count: skipped })}
        </Alert>
      ) : null}
      {children({
        entries: conversations.data.conversations,
        groups: conversations.data.groups,
        skipped,
        dataVersion: conversations.dataUpdatedAt,
        refetch: async () => (await conversations.refetch()).data?.conversations,
      })}
    </>
  );
}
