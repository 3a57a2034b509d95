import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JOB_MAX_ROWS } from '../../shared/api/jobs';
import { bitNamesFrom, JobFileError, parseBitList, readJobCsv, type CheckedRow } from './csv';
import { JOB_CSV_HEADER, jobCsv } from './testing';

const names = bitNamesFrom({
  '32': { name: 'VIP', description: '' },
  '33': { name: 'VIP customer', description: '' },
  '40': { name: '긴급', description: '' },
});

async function read(file: string | Buffer, options: { maxRows?: number; maxBytes?: number; chunkSize?: number } = {}): Promise<CheckedRow[]> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  // Small chunks: a multi-byte character or a quoted line break may be split across them.
  const size = options.chunkSize ?? 7;
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  const rows: CheckedRow[] = [];
  for await (const row of readJobCsv(Readable.from(chunks), { names, ...options })) rows.push(row);
  return rows;
}

async function refusal(file: string | Buffer, options: { maxRows?: number; maxBytes?: number } = {}): Promise<JobFileError> {
  try {
    await read(file, options);
  } catch (error) {
    if (error instanceof JobFileError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

const UNSTORABLE_CELL = 'This cell contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.';

const only = async (line: string) => (await read(jobCsv(line)))[0]!;
const errorOf = async (line: string) => {
  const row = await only(line);
  if (row.ok) throw new Error(`line accepted: ${line}`);
  return row.error;
};

describe('the file', () => {
  it('reads UTF-8 with or without a BOM, CRLF, LF or CR line ends, and skips blank lines', async () => {
    const withBom = await read(`\uFEFF${JOB_CSV_HEADER}\r\nalice,c2c,bob,0,,,\r\n\r\nalice,c2c,carol,1,,,\nalice,c2c,dave,2,,,\ralice,c2c,erin,3,,,`);
    expect(withBom.map((row) => [row.line, row.ok])).toEqual([
      [2, true],
      [4, true],
      [5, true],
      [6, true],
    ]);
    expect((await read(jobCsv('alice,c2c,bob,0,,,')))[0]).toMatchObject({ ok: true, chatUser: 'alice' });
  });

  it('follows RFC 4180 quoting: commas, doubled quotes and line breaks inside a field; line numbers stay those of the file', async () => {
    const rows = await read(jobCsv('alice,c2c,bob,,,"Line one, still ""one""",', 'alice,c2c,dave,,,"Line one\r\n""two""\nthree",', 'alice,c2c,carol,0,,,'));
    expect(rows[0]).toMatchObject({ line: 2, ok: true, change: { setBits: [], clearBits: [], customMark: 'Line one, still "one"' } });
    // A line break inside quotes is read as part of its field, but it is a control character: no
    // custom mark may hold one, so the row is refused naming the column.
    expect(rows[1]).toMatchObject({
      line: 3,
      ok: false,
      input: ['alice', 'c2c', 'dave', '', '', 'Line one\r\n"two"\nthree', ''],
      error: `custom_mark: ${UNSTORABLE_CELL}`,
    });
    expect(rows[2]).toMatchObject({ line: 6, ok: true });
  });

  it('keeps CJK custom marks whole even when a character is split between chunks, and counts their bytes', async () => {
    const hangul85 = '가'.repeat(85); // 255 bytes
    const rows = await read(jobCsv(`alice,c2c,bob,,,${hangul85},`, `alice,c2c,carol,,,${hangul85}가,`, 'alice,group,@TGS#2,,,张伟的群 ✓,'), { chunkSize: 2 });
    expect(rows[0]).toMatchObject({ ok: true, change: { customMark: hangul85 } });
    expect(rows[1]).toMatchObject({ ok: false, error: 'The custom mark is 258 bytes; the limit is 256 bytes (UTF-8).' });
    expect(rows[2]).toMatchObject({ ok: true, change: { customMark: '张伟的群 ✓' } });
  });

  it('needs the header first, and exactly its seven columns (any order, any case)', async () => {
    expect((await refusal('')).problem).toBe('NO_HEADER');
    expect((await refusal('\r\n\r\n')).problem).toBe('NO_HEADER');
    const missing = await refusal('alice,c2c,bob,0,,,\r\n');
    expect(missing).toMatchObject({ problem: 'BAD_HEADER', line: 1 });
    expect(missing.message).toContain('The first line must be the header chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark.');
    expect((await refusal('chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark\r\n')).message).toContain('missing clear_custom_mark');
    expect((await refusal(`${JOB_CSV_HEADER},note\r\n`)).message).toContain('unknown "note"');
    expect((await refusal(`${JOB_CSV_HEADER},chat_user\r\n`)).message).toContain('repeated chat_user');

    const reordered = await read('Custom_Mark,CHAT_USER,conversation_id,conversation_type,clear_bits,set_bits,clear_custom_mark\r\nVIP,alice,bob,c2c,,0 1,\r\n');
    expect(reordered[0]).toMatchObject({
      ok: true,
      chatUser: 'alice',
      conversation: { type: 'c2c', id: 'bob' },
      change: { setBits: [0, 1], clearBits: [], customMark: 'VIP' },
      input: ['alice', 'c2c', 'bob', '0 1', '', 'VIP', ''],
    });
  });

  it('lists a row with too few or too many fields as invalid and goes on', async () => {
    const rows = await read(jobCsv('alice,c2c,bob,0', 'alice,c2c,bob,0,,,,extra', 'alice,c2c,carol,0,,,'));
    expect(rows.map((row) => (row.ok ? 'ok' : row.error))).toEqual(['The row has 4 fields; the header has 7.', 'The row has 8 fields; the header has 7.', 'ok']);
    expect(rows[0]!.input).toEqual(['alice', 'c2c', 'bob', '0', '', '', '']);
  });

  it('refuses broken quoting as a whole, naming the line, since what follows would be guesswork', async () => {
    const unclosed = await refusal(jobCsv('alice,c2c,bob,0,,,', 'alice,c2c,"carol,0,,,', 'alice,c2c,dave,0,,,'));
    expect(unclosed).toMatchObject({ problem: 'BAD_CSV', line: 3 });
    expect(unclosed.message).toBe('Line 3: a quoted field is never closed (a " is missing).');
    const stray = await refusal(jobCsv('alice,c2c,bob,0,,,', 'alice,c2c,"carol"x,0,,,'));
    expect(stray).toMatchObject({ problem: 'BAD_CSV', line: 3 });
    expect(stray.message).toContain('text after its closing quote');
  });

  it('refuses a file that is not UTF-8', async () => {
    const latin1 = Buffer.concat([Buffer.from(jobCsv('alice,c2c,bob,,,')), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from(',\r\n')]);
    expect((await refusal(latin1)).problem).toBe('NOT_UTF8');
  });

  it(`refuses more than ${JOB_MAX_ROWS.toLocaleString('en-US')} rows (here: a lower limit) and more bytes than allowed`, async () => {
    const lines = Array.from({ length: 6 }, (_, i) => `alice,c2c,p${i},0,,,`);
    expect(await read(jobCsv(...lines.slice(0, 5)), { maxRows: 5 })).toHaveLength(5);
    const tooMany = await refusal(jobCsv(...lines), { maxRows: 5 });
    expect(tooMany).toMatchObject({ problem: 'TOO_MANY_ROWS', message: 'The file has more than 5 rows; split it into files of at most 5 rows.' });
    expect((await refusal(jobCsv(...lines), { maxBytes: 100 })).problem).toBe('TOO_LARGE');
  });
});

describe('a row', () => {
  it('takes bit names instead of indexes: standard names and custom labels in any case, labels with spaces', async () => {
    expect(await only('alice,c2c,bob,Favourite UNREAD 33,collapsed hidden,,')).toMatchObject({ ok: true, change: { setBits: [0, 1, 33], clearBits: [2, 3] } });
    expect(await only('alice,c2c,bob,vip,긴급,,')).toMatchObject({ ok: true, change: { setBits: [32], clearBits: [40] } });
    // The longest label wins: "VIP customer" is bit 33, not VIP (32) followed by "customer".
    expect(await only('alice,c2c,bob,vip   Customer 0,,,')).toMatchObject({ ok: true, change: { setBits: [0, 33], clearBits: [] } });
    expect(parseBitList('  ', names)).toEqual({ bits: [], unknown: [] });
  });

  it('refuses an unknown name, a bad type, bits out of range and reserved bits with the domain’s sentences', async () => {
    expect(await errorOf('alice,c2c,bob,gold,,,')).toBe(
      'set_bits: "gold" is not a bit; use 0–3, 32–63, favourite, unread, collapsed, hidden or the label of a custom bit.',
    );
    expect(await errorOf('alice,dm,bob,0,,,')).toBe('conversation_type: "dm" is not a conversation type; use c2c or group.');
    expect(await errorOf('alice,c2c,bob,64,,,')).toBe('Bit 64 does not exist; bits are numbered 0 to 63.');
    expect(await errorOf('alice,c2c,bob,-1,,,')).toBe('Bit -1 does not exist; bits are numbered 0 to 63.');
    expect(await errorOf('alice,c2c,bob,1.5,,,')).toBe('Bit 1.5 does not exist; bits are numbered 0 to 63.');
    expect(await errorOf('alice,c2c,bob,,17,,')).toBe('Bit 17 is reserved for Chat and cannot be changed.');
    expect(await errorOf('alice,c2c,bob,0 vip,favourite,,')).toBe('Bit 0 cannot be both set and cleared in one change.');
  });

  it('reads custom_mark and clear_custom_mark: empty = unchanged, true clears, both at once is refused', async () => {
    expect(await only('alice,c2c,bob,0,,,')).toMatchObject({ change: { setBits: [0], clearBits: [] } });
    expect(((await only('alice,c2c,bob,0,,,')) as { change: object }).change).not.toHaveProperty('customMark');
    expect(await only('alice,c2c,bob,,,,TRUE')).toMatchObject({ ok: true, change: { customMark: '' } });
    expect(await only('alice,c2c,bob,0,,,false')).toMatchObject({ ok: true, change: { setBits: [0] } });
    expect(await errorOf('alice,c2c,bob,,,,yes')).toContain('clear_custom_mark: "yes" must be true, false or empty.');
    expect(await errorOf('alice,c2c,bob,,,VIP,true')).toBe('Give a custom_mark or clear_custom_mark=true, not both.');
    expect(await errorOf('alice,c2c,bob,,,,')).toBe(
      'This change sets no bits, clears no bits and leaves the custom mark as it is: there is nothing to save.',
    );
  });

  it('checks the IDs with the shared rules (bytes, control characters) and says which column', async () => {
    expect(await errorOf(`${'x'.repeat(33)},c2c,bob,0,,,`)).toBe('chat_user: The Chat user ID is 33 bytes; the limit is 32 bytes (UTF-8).');
    expect(await errorOf('alice,c2c,,0,,,')).toBe('conversation_id: The Chat user ID is empty.');
    expect(await only(`alice,group,@TGS#${'G'.repeat(43)},0,,,`)).toMatchObject({ ok: true });
    expect(await errorOf(`alice,group,@TGS#${'G'.repeat(44)},0,,,`)).toBe('conversation_id: The group ID is 49 bytes; the limit is 48 bytes (UTF-8).');
    expect(await errorOf('"ali\tce",c2c,bob,0,,,')).toBe(`chat_user: ${UNSTORABLE_CELL}`);
    expect(await only(' GROUP ,group,@TGS#1,0,,,')).toMatchObject({ ok: true, chatUser: ' GROUP ' });
  });

  it('refuses a control character in any cell, naming the column and quoting nothing back', async () => {
    expect(await errorOf('alice,c2c,bob,0,,"VIP\u0007",')).toBe(`custom_mark: ${UNSTORABLE_CELL}`);
    expect(await errorOf('alice,c2c,bob,0,,"C1 \u0085 next line",')).toBe(`custom_mark: ${UNSTORABLE_CELL}`);
    expect(await errorOf('alice,c2c,"bo\u007fb",0,,,')).toBe(`conversation_id: ${UNSTORABLE_CELL}`);
    expect(await errorOf('alice,"c2c\u0000",bob,0,,,')).toBe(`conversation_type: ${UNSTORABLE_CELL}`);
    // A tab no longer separates bits; an otherwise empty change is not also called "nothing to save".
    expect(await errorOf('alice,c2c,bob,"0\t1",,,')).toBe(`set_bits: ${UNSTORABLE_CELL}`);
    expect(await errorOf('alice,c2c,bob,,"\u001b[A",,')).toBe(`clear_bits: ${UNSTORABLE_CELL}`);
    expect(await errorOf('alice,c2c,bob,,,,"true\u0001"')).toBe(`clear_custom_mark: ${UNSTORABLE_CELL}`);
    // The other cells are still checked.
    const both = await errorOf('alice,c2c,bob,gold,,"a\u0007",');
    expect(both).toContain(`custom_mark: ${UNSTORABLE_CELL}`);
    expect(both).toContain('set_bits: "gold" is not a bit');
    // What is storable goes through untouched: astral, Korean, Chinese, combining marks, U+FFFD.
    expect(await only('alice,c2c,bob,,,"😀 한국어 中文 e\u0301 \ufffd",')).toMatchObject({ ok: true, change: { customMark: '😀 한국어 中文 e\u0301 \ufffd' } });
  });

  it('lists every problem of a row at once', async () => {
    const error = await errorOf(',chat,x,gold 99,,,maybe');
    expect(error).toContain('chat_user: The Chat user ID is empty.');
    expect(error).toContain('conversation_type: "chat"');
    expect(error).toContain('"gold" is not a bit');
    expect(error).toContain('Bit 99 does not exist');
    expect(error).toContain('clear_custom_mark: "maybe"');
  });
});
