/** Query keys of the groups feature; other features invalidate through these. */
export const groupsKeys = {
  all: ['groups'] as const,
  list: (userId: string) => [...groupsKeys.all, 'list', userId] as const,
  changes: (userId: string) => [...groupsKeys.all, 'changes', userId] as const,
};
