// Writing bulk-job files in the browser: the downloadable template and the file the Marks page
// builds for "Bulk edit all N matching". Columns come from the shared contract; fields are quoted
// as RFC 4180 says, which is how the BFF reads them.
import { JOB_CSV_COLUMNS } from '../../../../shared/api/jobs';
import type { MarkChange } from '../../../../shared/marks/change';
import type { Conversation } from '../../../../shared/marks/conversation';
import { CSV_BOM } from '../../../../shared/text/csv';

export type JobCsvRow = Record<(typeof JOB_CSV_COLUMNS)[number], string>;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Header and rows, CRLF line ends (what spreadsheet programs write), with a BOM (the BFF skips it). */
export function jobCsv(rows: readonly JobCsvRow[]): string {
  const lines = [JOB_CSV_COLUMNS.join(','), ...rows.map((row) => JOB_CSV_COLUMNS.map((column) => csvField(row[column])).join(','))];
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** One row per conversation of `chatUser`, each with the same change (bits by index: labels can be renamed). */
export function jobCsvForChange(chatUser: string, conversations: readonly Conversation[], change: MarkChange): string {
  const common = {
    set_bits: change.setBits.join(' '),
    clear_bits: change.clearBits.join(' '),
    custom_mark: change.customMark ?? '',
    clear_custom_mark: change.customMark === '' ? 'true' : '',
  };
  return jobCsv(conversations.map((conversation) => ({ chat_user: chatUser, conversation_type: conversation.type, conversation_id: conversation.id, ...common })));
}

/** The template offered for download: one row naming bits, one giving indexes and a Korean custom mark. */
export const JOB_CSV_TEMPLATE_ROWS: readonly JobCsvRow[] = [
  {
    chat_user: 'olivia.brown',
    conversation_type: 'c2c',
    conversation_id: 'liam.smith',
    set_bits: 'favourite unread',
    clear_bits: 'hidden',
    custom_mark: '',
    clear_custom_mark: 'true',
  },
  {
    chat_user: 'minji.kim',
    conversation_type: 'group',
    conversation_id: '@TGS#2TUATWW41',
    set_bits: '0 32',
    clear_bits: '3',
    custom_mark: '에스컬레이션',
    clear_custom_mark: '',
  },
];

export const JOB_CSV_TEMPLATE_NAME = 'markdesk-bulk-template.csv';

export function jobCsvTemplate(): string {
  return jobCsv(JOB_CSV_TEMPLATE_ROWS);
}
