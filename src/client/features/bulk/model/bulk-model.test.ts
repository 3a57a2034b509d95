import { describe, expect, it } from 'vitest';
import { JOB_CSV_COLUMNS } from '../../../../shared/api/jobs';
import { bulkFileState, readBulkFile } from './bulk-file-state';
import { formatDuration, formatFileSize, formatPercent, formatRate } from './format';
import { csvField, jobCsvForChange, jobCsvTemplate } from '../../../entities/jobs/model/job-csv';
import { actionsFor, isJobActive, progressPercent, resultsKind } from '../../../entities/jobs/model/job-state';

/** A small RFC 4180 reader, enough to read back what the writer produced. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let index = 0; index < body.length; index++) {
    const char = body[index] as string;
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && body[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else field += char;
  }
  return rows;
}

describe('job CSV writer', () => {
  it('quotes only fields that need it, doubling quotes', () => {
    expect(csvField('olivia.brown')).toBe('olivia.brown');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('에스컬레이션')).toBe('에스컬레이션');
  });

  it('template: BOM, the contract header, one row with names and one with indexes and a Korean custom mark', () => {
    const template = jobCsvTemplate();
    expect(template.startsWith('\uFEFF')).toBe(true);
    const [header, named, indexed, ...rest] = readCsv(template);
    expect(header).toEqual([...JOB_CSV_COLUMNS]);
    expect(rest).toEqual([]);
    expect(named).toEqual(['olivia.brown', 'c2c', 'liam.smith', 'favourite unread', 'hidden', '', 'true']);
    expect(indexed).toEqual(['minji.kim', 'group', '@TGS#2TUATWW41', '0 32', '3', '에스컬레이션', '']);
  });

  it('one row per conversation with the same change; bits by index; clearing the custom mark is clear_custom_mark=true', () => {
    const conversations = [
      { type: 'c2c', id: 'liam.smith' },
      { type: 'group', id: '@TGS#1FHZDCDOR' },
    ] as const;
    const [header, ...rows] = readCsv(jobCsvForChange('olivia.brown', conversations, { setBits: [0, 32], clearBits: [3], customMark: 'VIP, "gold"' }));
    expect(header).toEqual([...JOB_CSV_COLUMNS]);
    expect(rows).toEqual([
      ['olivia.brown', 'c2c', 'liam.smith', '0 32', '3', 'VIP, "gold"', ''],
      ['olivia.brown', 'group', '@TGS#1FHZDCDOR', '0 32', '3', 'VIP, "gold"', ''],
    ]);
    const [, cleared] = readCsv(jobCsvForChange('u', [{ type: 'c2c', id: 'x' }], { setBits: [], clearBits: [1], customMark: '' }));
    expect(cleared).toEqual(['u', 'c2c', 'x', '', '1', '', 'true']);
    const [, untouched] = readCsv(jobCsvForChange('u', [{ type: 'c2c', id: 'x' }], { setBits: [2], clearBits: [] }));
    expect(untouched).toEqual(['u', 'c2c', 'x', '2', '', '', '']);
  });
});

describe('prepared file in the router state', () => {
  it('round-trips and refuses anything else', () => {
    expect(readBulkFile(bulkFileState({ name: 'a.csv', text: 'x' }))).toEqual({ name: 'a.csv', text: 'x' });
    expect(readBulkFile(null)).toBeNull();
    expect(readBulkFile({ bulkFile: { name: '', text: 'x' } })).toBeNull();
    expect(readBulkFile({ marksDraft: {} })).toBeNull();
  });
});

describe('job state', () => {
  it('offers the controls each state allows', () => {
    expect(actionsFor('checked')).toEqual(['start', 'cancel']);
    expect(actionsFor('running')).toEqual(['pause', 'cancel']);
    expect(actionsFor('paused')).toEqual(['resume', 'cancel']);
    expect(actionsFor('failed')).toEqual(['resume', 'cancel']);
    expect(actionsFor('done')).toEqual([]);
    expect(actionsFor('cancelled')).toEqual([]);
  });

  it('is active while running, and while a cancel waits for the calls in flight', () => {
    expect(isJobActive({ state: 'running' })).toBe(true);
    expect(isJobActive({ state: 'cancelled' })).toBe(true);
    expect(isJobActive({ state: 'cancelled', finishedAt: '2026-11-21T09:30:00Z' })).toBe(false);
    expect(isJobActive({ state: 'paused' })).toBe(false);
    expect(isJobActive({ state: 'done', finishedAt: '2026-11-21T09:30:00Z' })).toBe(false);
  });

  it('progress is done ÷ total, and results are partial until the job ends', () => {
    expect(progressPercent({ done: 50, total: 200 })).toBe(25);
    expect(progressPercent({ done: 0, total: 0 })).toBe(0);
    expect(progressPercent({ done: 200, total: 200 })).toBe(100);
    expect(resultsKind('checked')).toBeNull();
    expect(resultsKind('running')).toBe('partial');
    expect(resultsKind('failed')).toBe('partial');
    expect(resultsKind('done')).toBe('final');
  });
});

describe('formatting', () => {
  it('file sizes, rates, durations and percentages in each language', () => {
    expect(formatFileSize(812, 'en')).toBe('812 bytes');
    expect(formatFileSize(14_200, 'en')).toBe('14.2 kB');
    expect(formatFileSize(3_100_000, 'en')).toBe('3.1 MB');
    expect(formatRate(42.46, 'en')).toBe('42.5');
    expect(formatDuration(40.2, 'en')).toBe('40 seconds');
    expect(formatDuration(125, 'en')).toBe('2 minutes');
    expect(formatDuration(61, 'en')).toBe('1 minute');
    expect(formatDuration(5400, 'en')).toBe('1.5 hours');
    expect(formatDuration(125, 'ko')).toBe('2분');
    // Never shows 100 % before the last row.
    expect(formatPercent(99.7, 'en')).toBe('99%');
  });
});
