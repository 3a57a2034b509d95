// The Chat user IDs this browser loaded last, newest first, remembered across visits.
import { useSyncExternalStore } from 'react';
import { readStringList, writeStringList } from '../../../lib/storage';

const PREFERENCE = 'recentChatUsers';
export const MAX_RECENT_CHAT_USERS = 8;

const listeners = new Set<() => void>();
let snapshot: readonly string[] | null = null;

function read(): readonly string[] {
  snapshot ??= readStringList(PREFERENCE).slice(0, MAX_RECENT_CHAT_USERS);
  return snapshot;
}

export function rememberChatUser(userId: string): void {
  const current = read();
  if (current[0] === userId) return;
  snapshot = [userId, ...current.filter((id) => id !== userId)].slice(0, MAX_RECENT_CHAT_USERS);
  writeStringList(PREFERENCE, snapshot);
  for (const listener of listeners) listener();
}

/** For tests: forget the in-memory copy so the next read comes from storage. */
export function resetRecentChatUsersCache(): void {
  snapshot = null;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRecentChatUsers(): readonly string[] {
  return useSyncExternalStore(subscribe, read, read);
}
