import { describe, expect, it } from 'vitest';
import { shortId } from './short-id';

describe('shortId', () => {
  it('tells apart jobs started in the same minute, whose UUIDv7 IDs begin alike', () => {
    const sameMinute = ['01a24f75-f991-7dfd-8d1b-0628cc9ba5d7', '01a24f75-4447-7373-b472-69a6ea265562', '01a24f75-36bb-7d9e-aa5b-6a3d380a98f9'];
    expect(sameMinute.map(shortId)).toEqual(['cc9ba5d7', 'ea265562', '380a98f9']);
    expect(new Set(sameMinute.map(shortId)).size).toBe(3);
  });
});
