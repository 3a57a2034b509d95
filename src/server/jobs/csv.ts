// Reading a bulk-job CSV (POST /api/jobs): UTF-8 (BOM allowed), a header row, RFC 4180 quoting, one
// mark change per row. The file is streamed through csv-parse and checked row by row, so a
// 100,000-row upload is never held in memory. The bit and custom-mark rules are the mark domain's
// changeProblems and the IDs are checked by the shared zod schemas: a row is refused for exactly
// what POST …/marks would refuse, in the same words.
import { parse, type CsvError } from 'csv-parse';
import { finished, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JOB_CSV_COLUMNS, JOB_CSV_OPTIONAL_COLUMNS, JOB_MAX_ROWS, JOB_UPLOAD_MAX_BYTES } from '../../shared/api/jobs';
import { bitFromName } from '../../shared/marks/bits';
import { changeProblems, normalizeChange, type MarkChange } from '../../shared/marks/change';
import type { Conversation } from '../../shared/marks/conversation';
import { chatUserIdSchema, conversationTypeSchema, groupIdSchema } from '../../shared/marks/schemas';
import { isStorableText, unstorableTextMessage } from '../../shared/text/storable';
import type { WriteGuard } from '../services/write-policy';
import { rowGroups, type RowGroups } from './csv-groups';
import type { MarkLabels } from '../store/labels';

export type JobCsvColumn = (typeof JOB_CSV_COLUMNS)[number] | (typeof JOB_CSV_OPTIONAL_COLUMNS)[number];
/** The columns a row's input holds, in order: the required ones, then the optional ones ('' when absent). */
export const JOB_INPUT_COLUMNS: readonly JobCsvColumn[] = [...JOB_CSV_COLUMNS, ...JOB_CSV_OPTIONAL_COLUMNS];

/** One data row: the fields as written (JOB_INPUT_COLUMNS order) and what the check made of them. */
export type CheckedRow = { line: number; input: string[] } & (
  | { ok: true; chatUser: string; conversation: Conversation; change: MarkChange; guard?: WriteGuard; revertOf?: string; groups?: RowGroups }
  | { ok: false; error: string }
);

export type JobFileProblem = 'NOT_UTF8' | 'NO_HEADER' | 'BAD_HEADER' | 'BAD_CSV' | 'TOO_MANY_ROWS' | 'TOO_LARGE';

/** The file as a whole cannot be used (nothing of it is kept). */
export class JobFileError extends Error {
  override readonly name = 'JobFileError';
  constructor(
    readonly problem: JobFileProblem,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const HEADER_HELP = `The first line must be the header ${JOB_CSV_COLUMNS.join(',')}.`;

/** Longest row accepted (characters); far above any valid row, it stops a runaway quoted field early. */
const MAX_RECORD_CHARS = 64 * 1024;

// ---- bit names --------------------------------------------------------------------------------

/** How set_bits/clear_bits words map to bits: standard names, custom labels (any case), numbers. */
export type BitNames = { labels: Map<string, number>; longestLabelWords: number };

const normalizeWords = (text: string) => text.trim().split(/\s+/).join(' ').toLowerCase();

export function bitNamesFrom(labels: MarkLabels): BitNames {
  const byName = new Map<string, number>();
  let longestLabelWords = 1;
  for (const [bit, label] of Object.entries(labels)) {
    const name = normalizeWords(label.name);
    if (name === '') continue;
    byName.set(name, Number(bit));
    longestLabelWords = Math.max(longestLabelWords, name.split(' ').length);
  }
  return { labels: byName, longestLabelWords };
}

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const LINE_BREAKS = /\r\n|\r|\n/g;

/**
 * The bits a set_bits/clear_bits field names. Words are separated by spaces; a label may itself
 * contain spaces ("VIP customer"), so at each position the longest run of words that is a label
 * wins. Numbers are returned as they are, even out of range: changeProblems judges them.
 */
export function parseBitList(field: string, names: BitNames): { bits: number[]; unknown: string[] } {
  const words = field.trim() === '' ? [] : field.trim().split(/\s+/);
  const bits: number[] = [];
  const unknown: string[] = [];
  for (let start = 0; start < words.length; ) {
    const word = words[start]!;
    if (NUMBER.test(word)) {
      bits.push(Number(word));
      start++;
      continue;
    }
    let matched = false;
    for (let end = Math.min(words.length, start + names.longestLabelWords); end > start; end--) {
      const candidate = words.slice(start, end).join(' ').toLowerCase();
      const bit = end === start + 1 ? (bitFromName(candidate) ?? names.labels.get(candidate)) : names.labels.get(candidate);
      if (bit !== undefined) {
        bits.push(bit);
        start = end;
        matched = true;
        break;
      }
    }
    if (!matched) {
      unknown.push(word);
      start++;
    }
  }
  return { bits, unknown };
}

// ---- one row ----------------------------------------------------------------------------------

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : (result.error?.issues.map((issue) => issue.message).join(' ') ?? 'is not valid.');

/**
 * Checks one data row whose fields are already in JOB_CSV_COLUMNS order. A cell holding a control
 * character (a file cannot hold a broken emoji half: it is read as strict UTF-8) is named by its
 * column and read no further, so no other sentence quotes the invisible character back; the other
 * cells are still checked, so every problem of the row is listed at once.
 */
export function checkRow(line: number, input: string[], names: BitNames): CheckedRow {
  const errors: string[] = [];
  const unstorable = new Set<JobCsvColumn>();
  const cells = JOB_INPUT_COLUMNS.map((column, index) => {
    const cell = input[index] ?? '';
    if (isStorableText(cell)) return cell;
    unstorable.add(column);
    errors.push(`${column}: ${unstorableTextMessage('This cell')}`);
    return '';
  });
  const [chatUser = '', typeField = '', conversationId = '', setField = '', clearField = '', customMark = '', clearCustomField = '', onlyIfEmptyField = ''] =
    cells;
  const groups = rowGroups(cells, errors);

  if (!unstorable.has('chat_user')) {
    const userProblem = firstMessage(chatUserIdSchema.safeParse(chatUser));
    if (userProblem) errors.push(`chat_user: ${userProblem}`);
  }

  const type = typeField.trim().toLowerCase();
  let conversation: Conversation | null = null;
  if (unstorable.has('conversation_type')) {
    // Already reported; the conversation_id cannot be judged without its type.
  } else if (!conversationTypeSchema.safeParse(type).success) {
    errors.push(`conversation_type: "${typeField}" is not a conversation type; use c2c or group.`);
  } else if (!unstorable.has('conversation_id')) {
    const idProblem = firstMessage((type === 'c2c' ? chatUserIdSchema : groupIdSchema).safeParse(conversationId));
    if (idProblem) errors.push(`conversation_id: ${idProblem}`);
    else conversation = { type: type as Conversation['type'], id: conversationId };
  }

  const setBits = parseBitList(setField, names);
  const clearBits = parseBitList(clearField, names);
  for (const [column, parsed] of [['set_bits', setBits], ['clear_bits', clearBits]] as const) {
    for (const word of parsed.unknown) {
      errors.push(`${column}: "${word}" is not a bit; use 0–3, 32–63, favourite, unread, collapsed, hidden or the label of a custom bit.`);
    }
  }

  const clearCustom = clearCustomField.trim().toLowerCase();
  if (clearCustom !== '' && clearCustom !== 'true' && clearCustom !== 'false') {
    errors.push(`clear_custom_mark: "${clearCustomField}" must be true, false or empty.`);
  }
  if (clearCustom === 'true' && customMark !== '') {
    errors.push('Give a custom_mark or clear_custom_mark=true, not both.');
  }

  const onlyIfEmpty = onlyIfEmptyField.trim().toLowerCase();
  if (onlyIfEmpty !== '' && onlyIfEmpty !== 'true' && onlyIfEmpty !== 'false') {
    errors.push(`custom_mark_only_if_empty: "${onlyIfEmptyField}" must be true, false or empty.`);
  } else if (onlyIfEmpty === 'true' && customMark === '') {
    errors.push('custom_mark_only_if_empty=true needs a custom_mark to write.');
  }

  const change: MarkChange = { setBits: setBits.bits, clearBits: clearBits.bits };
  if (customMark !== '') change.customMark = customMark;
  else if (clearCustom === 'true') change.customMark = '';
  // An unknown word or an unreadable cell already explains an otherwise empty change; "nothing to
  // save" would only confuse.
  const explained = setBits.unknown.length + clearBits.unknown.length > 0 || unstorable.size > 0;
  for (const problem of changeProblems(change)) {
    // A row may change only groups.
    if (problem.code === 'EMPTY_CHANGE' && (explained || groups !== undefined)) continue;
    errors.push(problem.message);
  }

  if (errors.length > 0 || !conversation) return { line, input, ok: false, error: errors.join(' ') };
  const guard = onlyIfEmpty === 'true' ? { guard: { customMarkOnlyIfEmpty: true } } : {};
  return { line, input, ok: true, chatUser, conversation, change: normalizeChange(change), ...guard, ...(groups ? { groups } : {}) };
}

// ---- the file ---------------------------------------------------------------------------------

/** Decodes UTF-8 strictly (a file saved as CP949 or GBK is refused, not garbled); drops a BOM. */
function utf8Decoder(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fail = () => new JobFileError('NOT_UTF8', 'The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.');
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        done(null, text);
      } catch {
        done(fail());
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(fail());
      }
    },
  });
}

/** Refuses the upload as soon as it passes `maxBytes`, whatever Content-Length said. */
function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
}

export function tooLarge(maxBytes: number): JobFileError {
  return new JobFileError('TOO_LARGE', `The file is larger than ${Math.round(maxBytes / (1024 * 1024))} MB; split it into smaller files.`);
}

function csvSyntaxError(error: CsvError, line: number): JobFileError {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new JobFileError('BAD_CSV', `Line ${line}: a quoted field is never closed (a " is missing).`, line);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new JobFileError('BAD_CSV', `Line ${line}: a quoted field has text after its closing quote; inside quotes, write " as "".`, line);
    case 'CSV_MAX_RECORD_SIZE':
      return new JobFileError('BAD_CSV', `Line ${line}: the row is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters.`, line);
    default:
      return new JobFileError('BAD_CSV', `Line ${line}: this is not valid CSV (${error.code}).`, line);
  }
}

/**
 * Where each column of JOB_INPUT_COLUMNS sits in the file, from its header (-1 for an optional
 * column the file does not have); throws BAD_HEADER naming what is wrong.
 */
export function columnOrder(header: string[]): number[] {
  const names = header.map((name) => name.trim().toLowerCase());
  const problems: string[] = [];
  const unknown = names.filter((name) => !(JOB_INPUT_COLUMNS as readonly string[]).includes(name));
  const missing = JOB_CSV_COLUMNS.filter((column) => !names.includes(column));
  const repeated = JOB_INPUT_COLUMNS.filter((column) => names.indexOf(column) !== names.lastIndexOf(column));
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
  if (unknown.length > 0) problems.push(`unknown ${unknown.map((name) => `"${name}"`).join(', ')}`);
  if (repeated.length > 0) problems.push(`repeated ${repeated.join(', ')}`);
  if (problems.length > 0) {
    throw new JobFileError('BAD_HEADER', `The header is wrong (${problems.join('; ')}). ${HEADER_HELP}`, 1);
  }
  return JOB_INPUT_COLUMNS.map((column) => names.indexOf(column));
}

export type ReadJobCsvOptions = { names: BitNames; maxRows?: number; maxBytes?: number };

/**
 * The checked data rows of an uploaded file, in file order. Throws JobFileError when the file as a
 * whole is unusable: not UTF-8, no or wrong header, broken quoting (everything after it would be
 * guesswork), more than `maxRows` rows or more than `maxBytes` bytes.
 */
export async function* readJobCsv(body: Readable, options: ReadJobCsvOptions): AsyncGenerator<CheckedRow> {
  const maxRows = options.maxRows ?? JOB_MAX_ROWS;
  // Line numbers are worked out as csv-parse goes (not when the iterator gets to a record), so an
  // error can name the line of the record being read. csv-parse's own count takes a CRLF inside
  // quotes for two lines, so a record's span is counted here from its fields.
  let lastEndLine = 0;
  let emptyLinesSeen = 0;
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    // Excel writes CRLF, others LF; a quoted field may hold either.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_CHARS,
    on_record: (fields: string[], context) => {
      const line = lastEndLine + 1 + (context.empty_lines - emptyLinesSeen);
      let breaks = 0;
      for (const field of fields) breaks += field.match(LINE_BREAKS)?.length ?? 0;
      lastEndLine = line + breaks;
      emptyLinesSeen = context.empty_lines;
      return { fields, line } as unknown as string[];
    },
  });
  const limit = byteLimit(options.maxBytes ?? JOB_UPLOAD_MAX_BYTES);
  // Piped by hand, not through pipeline(): when the file is refused half-way the request must stay
  // open for the answer; the caller closes the connection after it instead.
  body.pipe(limit);
  const stopWatching = finished(body, { writable: false }, (error) => {
    if (error) limit.destroy(error);
  });
  const flowing = pipeline(limit, utf8Decoder(), parser);
  // The iterator below sees the same error; this only keeps it from being reported as unhandled.
  flowing.catch(() => {});

  let order: number[] | null = null;
  let headerFields = 0;
  let rows = 0;
  try {
    for await (const { fields, line } of parser as AsyncIterable<{ fields: string[]; line: number }>) {
      if (order === null) {
        order = columnOrder(fields);
        headerFields = fields.length;
        continue;
      }
      if (++rows > maxRows) {
        throw new JobFileError(
          'TOO_MANY_ROWS',
          `The file has more than ${maxRows.toLocaleString('en-US')} rows; split it into files of at most ${maxRows.toLocaleString('en-US')} rows.`,
        );
      }
      // Optional columns the file does not have are '' in their place, and left out at the end (a
      // file without them keeps the input it always had).
      const input = order.map((index) => (index < 0 ? '' : (fields[index] ?? '')));
      while (input.length > JOB_CSV_COLUMNS.length && order[input.length - 1]! < 0) input.pop();
      if (fields.length !== headerFields) {
        yield { line, input, ok: false, error: `The row has ${fields.length} fields; the header has ${headerFields}.` };
      } else {
        yield checkRow(line, input, options.names);
      }
    }
    await flowing;
  } catch (error) {
    if (error instanceof JobFileError) throw error;
    if (isCsvError(error)) throw csvSyntaxError(error, lastEndLine + 1);
    throw error;
  } finally {
    stopWatching();
    body.unpipe(limit);
  }
  if (order === null) throw new JobFileError('NO_HEADER', `The file is empty. ${HEADER_HELP}`, 1);
}

function isCsvError(error: unknown): error is CsvError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('CSV_');
}
