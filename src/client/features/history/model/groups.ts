import type { AuditEntry } from '../../../../shared/api/audit';

export type RequestGroup = { requestId: string; entries: AuditEntry[] };

/**
 * Entries of one request next to each other (the log is newest first, and one request's entries
 * are written together), so the table can show them under one heading with one "Undo request".
 */
export function groupByRequest(entries: readonly AuditEntry[]): RequestGroup[] {
  const groups: RequestGroup[] = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    if (last && last.requestId === entry.requestId) last.entries.push(entry);
    else groups.push({ requestId: entry.requestId, entries: [entry] });
  }
  return groups;
}
