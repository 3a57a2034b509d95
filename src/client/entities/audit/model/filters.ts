// The History page's filters live in the address bar, named as the API names them
// (`/history?chatUser=minji.kim&conversationType=group&conversationId=@TGS#2ABC&status=applied&from=2026-11-01&to=2026-11-21`),
// so a link to "the history of this conversation" can be shared and the CSV export gets the same filter.
// Typed chat user, conversation and staff match as substrings; `match=exact` (a link to one
// conversation's history) makes them whole values. `reason` searches the reasons' words; `jobId`,
// `requestId` and `entryId` narrow to one bulk job, one request or one entry (the links between an
// entry and its undo).
import { auditStatusSchema, type AuditQueryInput, type AuditStatus } from '../../../../shared/api/audit';
import type { Conversation, ConversationType } from '../../../../shared/marks/conversation';

export type HistoryFilters = {
  chatUser: string;
  conversationType: ConversationType | null;
  conversationId: string;
  staff: string;
  status: AuditStatus | null;
  /** `YYYY-MM-DD`, a day in the person's time zone, inclusive; '' for none. */
  from: string;
  /** `YYYY-MM-DD`, inclusive (the whole day counts); '' for none. */
  to: string;
  /** Words to find in reasons; '' for none. */
  reason: string;
  /** True: chatUser, conversationId and staff are whole values, not substrings. */
  exact: boolean;
  jobId: string;
  requestId: string;
  entryId: string;
};

export const EMPTY_HISTORY_FILTERS: HistoryFilters = {
  chatUser: '',
  conversationType: null,
  conversationId: '',
  staff: '',
  status: null,
  from: '',
  to: '',
  reason: '',
  exact: false,
  jobId: '',
  requestId: '',
  entryId: '',
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of `day` (`YYYY-MM-DD`), or null when it is not a real date. */
export function startOfDay(day: string): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(year, month - 1, date);
  // new Date(2026, 1, 31) rolls over into March: such a day does not exist.
  if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== date) return null;
  return start;
}

function validDay(value: string | null): string {
  return value !== null && startOfDay(value) !== null ? value : '';
}

export function parseHistoryFilters(params: URLSearchParams): HistoryFilters {
  const type = params.get('conversationType');
  const status = auditStatusSchema.safeParse(params.get('status'));
  return {
    chatUser: params.get('chatUser')?.trim() ?? '',
    conversationType: type === 'c2c' || type === 'group' ? type : null,
    conversationId: params.get('conversationId')?.trim() ?? '',
    staff: params.get('staff')?.trim() ?? '',
    status: status.success ? status.data : null,
    from: validDay(params.get('from')),
    to: validDay(params.get('to')),
    reason: params.get('reason')?.trim() ?? '',
    exact: params.get('match') === 'exact',
    jobId: params.get('jobId')?.trim() ?? '',
    requestId: params.get('requestId')?.trim() ?? '',
    entryId: params.get('entryId')?.trim() ?? '',
  };
}

/** Only the filters in use, in a fixed order, so a plain `/history` stays plain. */
export function historySearchParams(filters: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.chatUser !== '') params.set('chatUser', filters.chatUser);
  if (filters.conversationType !== null) params.set('conversationType', filters.conversationType);
  if (filters.conversationId !== '') params.set('conversationId', filters.conversationId);
  if (filters.staff !== '') params.set('staff', filters.staff);
  if (filters.status !== null) params.set('status', filters.status);
  if (filters.from !== '') params.set('from', filters.from);
  if (filters.to !== '') params.set('to', filters.to);
  if (filters.reason !== '') params.set('reason', filters.reason);
  if (filters.exact) params.set('match', 'exact');
  if (filters.jobId !== '') params.set('jobId', filters.jobId);
  if (filters.requestId !== '') params.set('requestId', filters.requestId);
  if (filters.entryId !== '') params.set('entryId', filters.entryId);
  return params;
}

/** True when the date range is empty (the first day after the last): the BFF would refuse it. */
export function isDateRangeInverted(filters: HistoryFilters): boolean {
  return filters.from !== '' && filters.to !== '' && filters.from > filters.to;
}

/** The API's query: days become instants (from = that day's midnight, to = the midnight after the last day). */
export function auditQueryOf(filters: HistoryFilters): AuditQueryInput {
  const query: AuditQueryInput = {};
  if (filters.chatUser !== '') query.chatUser = filters.chatUser;
  if (filters.conversationType !== null) query.conversationType = filters.conversationType;
  if (filters.conversationId !== '') query.conversationId = filters.conversationId;
  if (filters.staff !== '') query.staff = filters.staff;
  if (filters.status !== null) query.status = filters.status;
  if (!filters.exact && (filters.chatUser !== '' || filters.conversationId !== '' || filters.staff !== '')) query.match = 'contains';
  if (filters.reason !== '') query.reason = filters.reason;
  if (filters.jobId !== '') query.jobId = filters.jobId;
  if (filters.requestId !== '') query.requestId = filters.requestId;
  if (filters.entryId !== '') query.entryId = filters.entryId;
  const from = startOfDay(filters.from);
  if (from) query.from = from.toISOString();
  const lastDay = startOfDay(filters.to);
  if (lastDay) query.to = new Date(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate() + 1).toISOString();
  return query;
}

export function auditQueryString(filters: HistoryFilters, page: { limit?: number; cursor?: string | null } = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(auditQueryOf(filters))) if (value !== undefined) params.set(name, String(value));
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  return params.toString();
}

/** `GET /api/audit/export.csv` with the filter on screen (every page of it, not only the loaded ones). */
export function auditExportHref(filters: HistoryFilters): string {
  const query = auditQueryString(filters);
  return query === '' ? '/api/audit/export.csv' : `/api/audit/export.csv?${query}`;
}

/** The History page for one conversation of one chat user. */
export function conversationHistoryHref(chatUser: string, conversation: Conversation): string {
  const filters: HistoryFilters = { ...EMPTY_HISTORY_FILTERS, chatUser, conversationType: conversation.type, conversationId: conversation.id, exact: true };
  return `/history?${historySearchParams(filters).toString()}`;
}

/** The History page narrowed to one filter: an entry (its undo, or what it undid), a request or a bulk job. */
export function historyHref(only: { entryId: string } | { requestId: string } | { jobId: string }): string {
  return `/history?${historySearchParams({ ...EMPTY_HISTORY_FILTERS, ...only }).toString()}`;
}

/** The bulk job whose line made an entry (its request id is `job:{id}:line:{n}`), or null. */
export function bulkJobOf(requestId: string): string | null {
  return /^job:([A-Za-z0-9_-]{1,64}):line:\d+$/.exec(requestId)?.[1] ?? null;
}

export type DatePreset = 'today' | 'last7' | 'last30';
export const DATE_PRESETS: readonly DatePreset[] = ['today', 'last7', 'last30'];

function dayOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The days (local time zone, both inclusive) a preset stands for, counted back from `now`. */
export function presetRange(preset: DatePreset, now: Date): { from: string; to: string } {
  const back = preset === 'today' ? 0 : preset === 'last7' ? 6 : 29;
  return { from: dayOf(new Date(now.getFullYear(), now.getMonth(), now.getDate() - back)), to: dayOf(now) };
}

/** The preset the filters' days are, if any. */
export function presetOf(filters: Pick<HistoryFilters, 'from' | 'to'>, now: Date): DatePreset | null {
  return DATE_PRESETS.find((preset) => {
    const range = presetRange(preset, now);
    return range.from === filters.from && range.to === filters.to;
  }) ?? null;
}
