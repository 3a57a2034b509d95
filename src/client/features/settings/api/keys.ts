/** Query keys of the settings feature (labels live under the marks feature's key: every page shows them). */
export const settingsKeys = {
  all: ['settings'] as const,
  staff: () => [...settingsKeys.all, 'staff'] as const,
  sessions: () => [...settingsKeys.all, 'sessions'] as const,
  auditChain: () => [...settingsKeys.all, 'audit-chain'] as const,
  auditChainProgress: () => [...settingsKeys.all, 'audit-chain-progress'] as const,
  adminActivity: () => [...settingsKeys.all, 'admin-activity'] as const,
};
