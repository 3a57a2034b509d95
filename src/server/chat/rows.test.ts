// One odd row of Chat's conversation lists is listed with a warning or left out and counted; it
// never takes the whole list down.
import { describe, expect, it } from 'vitest';
import { readChatTime, readMarkRow, readSessionRow } from './rows';

const SECONDS = 1_764_320_000; // 2025-11-28
const long = (bytes: number) => 'u'.repeat(bytes);

describe('readChatTime', () => {
  it('takes seconds as they are, 0 or nothing as never, and recognises milliseconds', () => {
    expect(readChatTime(SECONDS)).toEqual({ seconds: SECONDS });
    expect(readChatTime(SECONDS + 0.7)).toEqual({ seconds: SECONDS });
    expect(readChatTime(0)).toEqual({ seconds: undefined });
    expect(readChatTime(undefined)).toEqual({ seconds: undefined });
    expect(readChatTime(SECONDS * 1000 + 123)).toEqual({ seconds: SECONDS, warning: 'time-in-milliseconds' });
  });

  it('gives up on a time that is neither', () => {
    for (const value of [-5, SECONDS * 1_000_000, '1764320000', Number.NaN, true]) {
      expect(readChatTime(value), String(value)).toEqual({ seconds: undefined, warning: 'time-unreadable' });
    }
  });
});

describe('readSessionRow', () => {
  it('reads a documented row without warnings', () => {
    expect(readSessionRow({ Type: 2, GroupId: '@TGS#1', MsgTime: SECONDS, TopFlag: 1 })).toEqual({
      ok: true,
      row: { conversation: { type: 'group', id: '@TGS#1' }, contact: { Type: 2, ToGroupId: '@TGS#1' }, msgTime: SECONDS, pinned: true },
      warnings: [],
    });
  });

  it('lists an ID over Chat’s limit with a warning (32 bytes for a user, 48 for a group), up to a sane bound', () => {
    expect(readSessionRow({ Type: 1, To_Account: long(32), MsgTime: SECONDS })).toMatchObject({ ok: true, warnings: [] });
    expect(readSessionRow({ Type: 1, To_Account: long(40), MsgTime: SECONDS })).toMatchObject({ ok: true, warnings: ['id-too-long'] });
    expect(readSessionRow({ Type: 2, GroupId: long(48), MsgTime: SECONDS })).toMatchObject({ ok: true, warnings: [] });
    expect(readSessionRow({ Type: 2, GroupId: long(49), MsgTime: SECONDS * 1000 })).toMatchObject({
      ok: true,
      row: { msgTime: SECONDS },
      warnings: ['id-too-long', 'time-in-milliseconds'],
    });
    expect(readSessionRow({ Type: 1, To_Account: long(257) })).toEqual({ ok: false, reason: 'unusable-id' });
  });

  it('leaves out a row without a usable type or ID', () => {
    expect(readSessionRow({ Type: 3, To_Account: 'a' })).toEqual({ ok: false, reason: 'unknown-type' });
    expect(readSessionRow({ Type: '1', To_Account: 'a' })).toEqual({ ok: false, reason: 'unknown-type' });
    expect(readSessionRow({ Type: 1 })).toEqual({ ok: false, reason: 'unusable-id' });
    expect(readSessionRow({ Type: 2, To_Account: 'a' })).toEqual({ ok: false, reason: 'unusable-id' });
    expect(readSessionRow({ Type: 1, To_Account: 'a\u0000b' })).toEqual({ ok: false, reason: 'unusable-id' });
    expect(readSessionRow({ Type: 1, To_Account: 'a\uD800' })).toEqual({ ok: false, reason: 'unusable-id' });
    expect(readSessionRow(null)).toEqual({ ok: false, reason: 'not-an-object' });
    expect(readSessionRow(['Type', 1])).toEqual({ ok: false, reason: 'not-an-object' });
  });
});

describe('readMarkRow', () => {
  it('reads marks, groups and the time, and leaves out a row whose marks cannot be read', () => {
    expect(readMarkRow({ Type: 1, To_Account: 'a', StandardMark: '101', CustomMark: 'vip', ContactGroupId: [2], Timestamp: SECONDS * 1000 })).toEqual({
      ok: true,
      row: { conversation: { type: 'c2c', id: 'a' }, contact: { Type: 1, To_Account: 'a' }, mask: 5n, customMark: 'vip', groupIds: [2], timestamp: SECONDS },
      warnings: ['time-in-milliseconds'],
    });
    expect(readMarkRow({ Type: 1, To_Account: 'a', StandardMark: '12x' })).toEqual({ ok: false, reason: 'unreadable-marks' });
    expect(readMarkRow({ Type: 1, To_Account: 'a', CustomMark: 7 })).toEqual({ ok: false, reason: 'unreadable-marks' });
    expect(readMarkRow({ Type: 2, ToGroupId: long(60), StandardMark: '1' })).toMatchObject({ ok: true, warnings: ['id-too-long'] });
  });
});
