import { describe, expect, it } from 'vitest';
import { entry } from '../../../test/fixtures';
import { affectedByWhatIf, whatIfFileName, whatIfJobCsv } from './what-if-csv';

const rows = [
  entry('a', { bits: [3] }),
  entry('b', { bits: [0] }),
  entry('@TGS#1', { conversation: { type: 'group', id: '@TGS#1' }, bits: [3, 32] }),
  entry('c', { bits: [3] }),
];

describe('a what-if as a bulk-job file', () => {
  it('has one line per chosen conversation it changes, bits by index, in the bulk job’s columns', () => {
    const whatIf = {
      chosen: new Set(['c2c:a', 'c2c:b', 'group:@TGS#1']),
      touched: new Map<number, 'on' | 'off'>([
        [3, 'off'],
        [32, 'on'],
      ]),
    };
    expect(affectedByWhatIf(rows, whatIf).map((row) => row.conversation.id)).toEqual(['a', 'b', '@TGS#1']);
    expect(whatIfJobCsv('minji.kim', rows, whatIf).split('\r\n')).toEqual([
      '\uFEFFchat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark',
      'minji.kim,c2c,a,32,3,,',
      'minji.kim,c2c,b,32,3,,',
      'minji.kim,group,@TGS#1,32,3,,',
      '',
    ]);
  });

  it('leaves out chosen conversations already as the what-if would make them', () => {
    const whatIf = { chosen: new Set(['c2c:a', 'c2c:b']), touched: new Map<number, 'on' | 'off'>([[0, 'on']]) };
    expect(affectedByWhatIf(rows, whatIf).map((row) => row.conversation.id)).toEqual(['a']);
    expect(affectedByWhatIf(rows, { chosen: new Set(['c2c:a']), touched: new Map() })).toEqual([]);
  });

  it('names the file after the user, safely', () => {
    expect(whatIfFileName('minji.kim')).toBe('markdesk-what-if-minji.kim.csv');
    expect(whatIfFileName('김민지/../x y')).toBe('markdesk-what-if-김민지_.._x_y.csv');
  });
});
