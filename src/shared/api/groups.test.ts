import { describe, expect, it } from 'vitest';
import { groupParamsSchema } from './groups';

describe('groupParamsSchema', () => {
  it('reads a group id written in decimal digits, from the path or as a number', () => {
    expect(groupParamsSchema.parse({ userId: 'alice', groupId: '26' })).toEqual({ userId: 'alice', groupId: 26 });
    expect(groupParamsSchema.parse({ userId: 'alice', groupId: 7 })).toEqual({ userId: 'alice', groupId: 7 });
  });

  it('refuses what Number() would also read as a number: hex, exponents, spaces, signs, zero', () => {
    for (const groupId of ['0x1A', '1e1', ' 12', '12 ', '+3', '-3', '0', '012', '1.5', '', 'NaN', 'Infinity']) {
      const parsed = groupParamsSchema.safeParse({ userId: 'alice', groupId });
      expect(parsed.success, groupId).toBe(false);
      expect(parsed.error?.issues[0]?.message, groupId).toBe('The group id is a whole number.');
    }
  });
});
