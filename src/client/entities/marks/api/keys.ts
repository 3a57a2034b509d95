/** Query keys of the marks feature; other features invalidate through these, never by hand-written arrays. */
export const marksKeys = {
  all: ['marks'] as const,
  chatUser: (userId: string) => [...marksKeys.all, 'chat-user', userId] as const,
  conversations: (userId: string) => [...marksKeys.all, 'conversations', userId] as const,
  labels: () => [...marksKeys.all, 'labels'] as const,
};
