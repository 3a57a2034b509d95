import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from './database';
import { getLabels, LabelError, labelProblems, replaceLabels } from './labels';

let store: Store;
beforeEach(async () => {
  store = await openDatabase({ file: ':memory:' });
});
afterEach(async () => {
  await store.close();
});

describe('mark labels', () => {
  it('starts empty, then replaces the whole set at once', async () => {
    expect(getLabels(store)).toEqual({});
    await replaceLabels(store, { '32': { name: 'VIP', description: 'Paying customers' }, '63': { name: '에스컬레이션' } });
    expect(getLabels(store)).toEqual({
      '32': { name: 'VIP', description: 'Paying customers' },
      '63': { name: '에스컬레이션', description: '' },
    });
    const after = await replaceLabels(store, { '40': { name: '  Refund pending ', description: ' ' } });
    expect(after).toEqual({ '40': { name: 'Refund pending', description: '' } });
    expect(getLabels(store)).toEqual(after);
  });

  it('accepts 40 characters (code points) in a name and refuses 41', () => {
    expect(labelProblems({ '32': { name: '가'.repeat(40) } })).toBeNull();
    expect(labelProblems({ '32': { name: '🏷'.repeat(40) } })).toBeNull();
    expect(labelProblems({ '32': { name: 'x'.repeat(41) } })).toEqual({ '32.name': expect.stringMatching(/at most 40/) });
  });

  it('names every problem and stores nothing when one label is wrong', async () => {
    await replaceLabels(store, { '33': { name: 'Old' } });
    const attempt = replaceLabels(store, {
      '3': { name: 'standard bit' },
      '64': { name: 'too high' },
      '032': { name: 'leading zero' },
      '34': { name: '' },
      '35': { name: 'Unread' },
      '36': { name: '42' },
      '37': { name: 'VIP' },
      '38': { name: 'vip' },
      '39': { name: 'Fine', description: 'd'.repeat(501) },
    });
    await expect(attempt).rejects.toBeInstanceOf(LabelError);
    const details = await attempt.catch((error: LabelError) => error.details);
    expect(Object.keys(details).sort()).toEqual(['032', '3', '34.name', '35.name', '36.name', '38.name', '39.description', '64']);
    expect(getLabels(store)).toEqual({ '33': { name: 'Old', description: '' } });
  });

  it('is guarded by the database too', () => {
    expect(() => store.sqlite.prepare(`INSERT INTO mark_labels (bit, name) VALUES (31, 'x')`).run()).toThrow(/CHECK/);
    expect(() => store.sqlite.prepare(`INSERT INTO mark_labels (bit, name) VALUES (32, ?)`).run('x'.repeat(41))).toThrow(/CHECK/);
  });
});
