// CSV as spreadsheets read it, for every file Markdesk hands out: the server's downloads
// (src/server/store/csv-export.ts) and the files the SPA builds itself.

/** Spreadsheets read a UTF-8 file (CJK custom marks) correctly only after a byte-order mark. */
export const CSV_BOM = '\uFEFF';

// Tencent's generated group ids start with "@TGS#". Exactly that shape (no operator, parenthesis or
// space) cannot carry a formula, and prefixing it would make every group id in the export wrong.
const GENERATED_GROUP_ID = /^@TGS#[A-Za-z0-9_-]+$/;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab/CR, which some strip first) as a
 * formula; a leading ' makes it text (OWASP "CSV injection").
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !GENERATED_GROUP_ID.test(cell) ? `'${cell}` : cell;
}
