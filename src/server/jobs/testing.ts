// Test support for bulk jobs: CSV text, uploads and polling through the HTTP API, and reading back
// what Chat and the audit log hold.
import { bulkJobReason } from '../../shared/api/job-reason';
import type { LightMyRequestResponse } from 'fastify';
import { JOB_CSV_COLUMNS, type JobCheckedResponse, type JobState, type JobStatus } from '../../shared/api/jobs';
import { toContactItem, type Conversation } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import type { ChatClient } from '../chat/client';
import { searchContactGroup } from '../chat/helpers';
import type { TestBff } from '../testing/bff-harness';
import { createGate, type Gate } from '../testing/gate';
import { auditPages, type AuditEntryView } from '../store/audit-query';
import type { Reader } from '../store/database';

export const JOB_CSV_HEADER = JOB_CSV_COLUMNS.join(',');

/** A CSV file: the header, then one line per row (cells joined by commas as given). */
export function jobCsv(...lines: string[]): string {
  return [JOB_CSV_HEADER, ...lines].join('\r\n') + '\r\n';
}

export type PlannedRow = { chatUser: string; conversation: Conversation; setBits: number[]; customMark?: string };

/** `users` × `perUser` rows, each setting `bits` on a distinct C2C conversation (peer.{u}.{n}). */
export function plannedRows(users: readonly string[], perUser: number, bits: number[] = [0, 32], customMark?: string): PlannedRow[] {
  return users.flatMap((chatUser, u) =>
    Array.from({ length: perUser }, (_, n): PlannedRow => ({
      chatUser,
      conversation: { type: 'c2c', id: `peer.${u}.${n}` },
      setBits: bits,
      ...(customMark !== undefined ? { customMark } : {}),
    })),
  );
}

export function csvOf(rows: readonly PlannedRow[]): string {
  return jobCsv(...rows.map((row) => [row.chatUser, row.conversation.type, row.conversation.id, row.setBits.join(' '), '', row.customMark ?? '', ''].join(',')));
}

export async function uploadJob(bff: TestBff, csv: string | Buffer, role: 'editor' | 'viewer' | 'admin' = 'editor'): Promise<LightMyRequestResponse> {
  return bff.inject({
    method: 'POST',
    url: '/api/jobs',
    headers: { ...bff.writeHeaders, cookie: await bff.signIn(role), 'content-type': 'text/csv' },
    payload: csv,
  });
}

export async function checkedJob(bff: TestBff, csv: string): Promise<JobCheckedResponse> {
  const response = await uploadJob(bff, csv);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.statusCode} ${response.body}`);
  return response.json<JobCheckedResponse>();
}

export async function controlJob(bff: TestBff, jobId: string, action: 'start' | 'pause' | 'resume' | 'cancel', role: 'editor' | 'viewer' = 'editor') {
  return bff.inject({ method: 'POST', url: `/api/jobs/${jobId}/${action}`, headers: { ...bff.writeHeaders, cookie: await bff.signIn(role) } });
}

export async function jobStatus(bff: TestBff, jobId: string): Promise<JobStatus> {
  const response = await bff.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: { cookie: await bff.signIn('viewer') } });
  if (response.statusCode !== 200) throw new Error(`status failed: ${response.statusCode} ${response.body}`);
  return response.json<JobStatus>();
}

/** Polls GET /api/jobs/:id until the job is in one of `states`. */
export async function waitForJob(bff: TestBff, jobId: string, states: readonly JobState[], timeoutMs = 15_000): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await jobStatus(bff, jobId);
    if (states.includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status.state} after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each planned conversation's marks as Chat holds them now. */
export async function upstreamStates(chat: Pick<ChatClient, 'call'>, rows: readonly PlannedRow[]): Promise<Map<string, { bits: number[]; customMark: string }>> {
  const byUser = new Map<string, PlannedRow[]>();
  for (const row of rows) byUser.set(row.chatUser, [...(byUser.get(row.chatUser) ?? []), row]);
  const states = new Map<string, { bits: number[]; customMark: string }>();
  for (const [chatUser, userRows] of byUser) {
    const { items } = await searchContactGroup(chat, chatUser, userRows.map((row) => toContactItem(row.conversation)));
    for (const item of items) states.set(`${chatUser}/${item.conversation.id}`, { bits: bitsFromMask(item.mask), customMark: item.customMark });
  }
  return states;
}

/** Every audit entry of a job (intents and one-shot entries; one per row is expected). */
export async function jobAuditEntries(db: Reader, jobId: string): Promise<AuditEntryView[]> {
  const entries: AuditEntryView[] = [];
  for await (const page of auditPages(db, {})) entries.push(...page.filter((entry) => entry.reason === bulkJobReason(jobId)));
  return entries;
}

/**
 * A Chat client for a job runner whose first search_contact_group is held, once Chat answered it,
 * until `readDone` is released: another writer can come between a job's read and its write.
 * `markCalls` counts the mark_contact calls sent through it.
 */
export function holdingFirstRead(chat: Pick<ChatClient, 'call' | 'limiterFor'>): { chat: Pick<ChatClient, 'call' | 'limiterFor'>; readDone: Gate; markCalls: () => number } {
  const readDone = createGate();
  let holdRead = true;
  let markCalls = 0;
  return {
    readDone,
    markCalls: () => markCalls,
    chat: {
      limiterFor: (command) => chat.limiterFor(command),
      async call(command, body, options) {
        if (command === 'recentcontact/mark_contact') markCalls++;
        const answer = await chat.call(command, body, options);
        if (command === 'recentcontact/search_contact_group' && holdRead) {
          holdRead = false;
          await readDone.pass();
        }
        return answer;
      },
    },
  };
}
