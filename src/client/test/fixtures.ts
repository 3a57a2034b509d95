import type { ConversationEntry } from '../../shared/api/chat-users';
import type { Role } from '../../shared/api/session';
import { apiError, json, type FakeResponse } from './fake-api';

export function session(role: Role = 'editor', username = 'support') {
  return json({ username, role });
}

export const sandboxHealth = json({ status: 'ok', mode: 'sandbox', version: '0.1.0', chat: { sdkAppId: null, region: null } });

export const noLabels = json({ labels: {} });

export const unauthenticated: FakeResponse = apiError(401, 'UNAUTHENTICATED', 'Sign in first.');

export function entry(id: string, overrides: Partial<ConversationEntry> = {}): ConversationEntry {
  return {
    conversation: { type: 'c2c', id },
    name: null,
    pinned: false,
    lastMessageAt: '2026-11-20T08:00:00Z',
    inRecentList: true,
    bits: [],
    customMark: '',
    groupIds: [],
    markUpdatedAt: null,
    ...overrides,
  };
}
