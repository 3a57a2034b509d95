// The audit log of mark changes as CSV (GET /api/audit.csv), written as every download is (csv-export.ts).
import { auditPages, type AuditEntryView, type AuditFilter } from './audit-query';
import { neutralizeFormula } from '../../shared/text/csv';
import { csvDownload } from './csv-export';
import type { Reader } from './database';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'staff',
  'chat_user',
  'conversation_type',
  'conversation_id',
  'set_bits',
  'clear_bits',
  'custom_mark_requested',
  'before_bits',
  'before_custom_mark',
  'after_bits',
  'after_custom_mark',
  'status',
  'upstream_code',
  'message',
  'reason',
  'request_id',
  'revert_of',
] as const;

function bitsCell(bits: number[] | undefined): string {
  return bits ? bits.join(' ') : '';
}

function csvRecord(entry: AuditEntryView): string[] {
  const cells = [
    entry.id,
    entry.at,
    entry.staff,
    entry.chatUser,
    entry.conversation.type,
    entry.conversation.id,
    bitsCell(entry.requested.setBits),
    bitsCell(entry.requested.clearBits),
    entry.requested.customMark ?? '',
    bitsCell(entry.before?.bits),
    entry.before?.customMark ?? '',
    bitsCell(entry.after?.bits),
    entry.after?.customMark ?? '',
    entry.status,
    entry.upstreamCode === undefined ? '' : String(entry.upstreamCode),
    entry.message ?? '',
    entry.reason ?? '',
    entry.requestId,
    entry.revertOf ?? '',
  ];
  return cells.map(neutralizeFormula);
}

/**
 * Every entry matching the filter as CSV (UTF-8 with BOM, header row, RFC 4180), newest first, in
 * chunks: the first holds the BOM and the header, each further one a page of rows.
 */
export function auditCsv(db: Reader, filter: Omit<AuditFilter, 'limit' | 'cursor'>): AsyncGenerator<string> {
  return csvDownload(AUDIT_CSV_COLUMNS, auditPages(db, filter), csvRecord);
}
