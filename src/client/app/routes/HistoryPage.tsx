import { GroupChanges } from '../../features/groups/components/GroupChanges';
import { HistoryPage } from '../../features/history/components/HistoryPage';

/** History beside the groups feature: a named Chat user's conversation-group changes, with their Undo, above the mark history. */
export default function HistoryRoute() {
  return <HistoryPage chatUserPanel={(chatUser) => <GroupChanges chatUser={chatUser} />} />;
}
