import type { AuditOneShotEntry } from './audit';

/** For tests: a one-shot entry of heavy.user's conversation with shop.seoul, Favourite set, with overrides. */
export function oneShotEntry(overrides: Partial<AuditOneShotEntry>): AuditOneShotEntry {
  return {
    staff: 'support.kim',
    chatUser: 'heavy.user',
    conversation: { type: 'c2c', id: 'shop.seoul' },
    requested: { setBits: [0], clearBits: [] },
    before: { bits: [], customMark: '' },
    after: { bits: [0], customMark: '' },
    status: 'applied',
    requestId: 'req-a',
    ...overrides,
  };
}
