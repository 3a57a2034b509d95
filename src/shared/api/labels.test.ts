import { describe, expect, it } from 'vitest';
import { CUSTOM_BIT_KEYS, labelsResponseSchema, putLabelsRequestSchema } from './labels';

const put = (labels: unknown) => putLabelsRequestSchema.safeParse({ labels });
const messages = (result: ReturnType<typeof put>) => result.error?.issues.map((issue) => issue.message) ?? [];

describe('mark labels', () => {
  it('has keys "32".."63"', () => {
    expect(CUSTOM_BIT_KEYS).toHaveLength(32);
    expect(CUSTOM_BIT_KEYS[0]).toBe('32');
    expect(CUSTOM_BIT_KEYS[31]).toBe('63');
  });

  it('accepts names for custom bits, trims them, defaults the description', () => {
    expect(put({ '32': { name: ' VIP ', description: 'Pays for support' }, '63': { name: '에스컬레이션' } }).data).toEqual({
      labels: { '32': { name: 'VIP', description: 'Pays for support' }, '63': { name: '에스컬레이션', description: '' } },
    });
    expect(put({}).success).toBe(true);
  });

  it('refuses keys outside 32..63', () => {
    for (const key of ['0', '17', '31', '64', 'vip']) expect(put({ [key]: { name: 'x' } }).success).toBe(false);
  });

  it('limits names to 1..40 characters and descriptions to 200', () => {
    expect(put({ '32': { name: 'n'.repeat(40) } }).success).toBe(true);
    expect(put({ '32': { name: '😀'.repeat(40) } }).success).toBe(true);
    expect(messages(put({ '32': { name: 'n'.repeat(41) } }))).toEqual(['The name is 41 characters; the limit is 40.']);
    expect(messages(put({ '32': { name: '   ' } }))).toEqual(['Give the bit a name.']);
    expect(put({ '32': { name: 'ok', description: 'd'.repeat(200) } }).success).toBe(true);
    expect(put({ '32': { name: 'ok', description: 'd'.repeat(201) } }).success).toBe(false);
  });

  it('refuses names a bulk-job CSV could not tell apart', () => {
    expect(messages(put({ '32': { name: 'VIP' }, '40': { name: 'vip' } }))).toEqual(['Bit 32 is already called "vip".']);
    expect(put({ '32': { name: '7' } }).success).toBe(false);
    expect(put({ '32': { name: 'Hidden' } }).success).toBe(false);
    expect(put({ '32': { name: 'a\tb' } }).success).toBe(false);
  });

  it('refuses a name or description that cannot be stored exactly, naming the field', () => {
    const unstorable = (subject: string) =>
      `${subject} contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.`;
    const issuesOf = (labels: unknown) => put(labels).error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    expect(issuesOf({ '32': { name: 'VIP \ud800' } })).toEqual([{ path: 'labels.32.name', message: unstorable('The name') }]);
    expect(issuesOf({ '33': { name: 'ok', description: 'two\nlines' } })).toEqual([{ path: 'labels.33.description', message: unstorable('The description') }]);
    expect(issuesOf({ '34': { name: 'ok', description: 'half \udc00 emoji' } })?.[0]?.path).toBe('labels.34.description');
    // Checked before trimming: a tab at the end is refused, not dropped.
    expect(issuesOf({ '35': { name: 'VIP\t' } })).toEqual([{ path: 'labels.35.name', message: unstorable('The name') }]);
    expect(put({ '36': { name: '에스컬레이션 😀', description: 'e\u0301 中文 \ufffd' } }).success).toBe(true);
  });

  it('reads stored labels as they are, even one a later rule would refuse', () => {
    expect(labelsResponseSchema.parse({ labels: { '40': { name: 'Old', description: 'made\u0007before' } } }).labels['40']?.description).toBe('made\u0007before');
  });

  it('refuses unknown keys', () => {
    expect(put({ '32': { name: 'VIP', colour: 'red' } }).success).toBe(false);
    expect(putLabelsRequestSchema.safeParse({ labels: {}, replace: true }).success).toBe(false);
    expect(labelsResponseSchema.parse({ labels: { '33': { name: 'Refund', description: '' } } }).labels['33']?.name).toBe('Refund');
  });
});
