import type { ReactNode } from 'react';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import type { Conversation } from '../../../../shared/marks/conversation';
import type { ChangeStore } from '../../../entities/marks/model/change-store';

/**
 * What other features put into the Marks workspace. The page that puts them side by side
 * (app/routes/MarksPage.tsx) fills these; the workspace only says where they go. Each is shown to
 * editors only.
 */
export type WorkspaceSlots = {
  /** Beside "Select all matching": an action on every writable matching row with the editor's change. */
  matchingRowsAction?: (props: { userId: string; rows: readonly ConversationEntry[]; editorChange: ChangeStore }) => ReactNode;
  /** After "Clear selection": an action on the selected conversations. */
  selectionAction?: (props: { userId: string; selected: readonly Conversation[] }) => ReactNode;
  /**
   * In the editor: actions on the conversations it shows, sent with its Reason. Both are read when an
   * action runs, so the slot's props stay the same while the selection changes.
   */
  editorActions?: (props: { userId: string; conversations: () => readonly Conversation[]; reason: () => string }) => ReactNode;
};
