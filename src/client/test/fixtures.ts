import type { ConversationEntry } from '../../shared/api/chat-users';
import type { JobStatus } from '../../shared/api/jobs';
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

/** A job's status as GET /api/jobs/:id answers it: checked, two valid rows of three, unless overridden. */
export function jobStatus(jobId: string, overrides: Partial<JobStatus> = {}): JobStatus {
  return {
    jobId,
    state: 'checked',
    total: 2,
    done: 0,
    applied: 0,
    unchanged: 0,
    conflicts: 0,
    failed: 0,
    callsPerSecond: 0,
    etaSeconds: null,
    createdBy: 'support',
    createdAt: '2026-11-21T09:30:00Z',
    rows: 3,
    invalid: 1,
    ...overrides,
  };
}

/** The text of a downloaded Blob. */
export function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error as Error);
    reader.readAsText(blob);
  });
}
