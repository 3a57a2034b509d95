import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAME_ORIGIN_WRITE, startTestBff, type TestBff } from './testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ emulator: { demoData: true } });
});
afterAll(() => bff.close());

describe('BFF over the emulator', () => {
  it('loads a demo user and writes a mark', async () => {
    const cookie = await bff.signIn('editor');
    const users = await bff.inject({ method: 'GET', url: '/api/chat-users/heavy.user/conversations', headers: { cookie } });
    expect(users.statusCode).toBe(200);
    const body = users.json() as { conversations: { conversation: { type: string; id: string }; bits: number[] }[] };
    expect(body.conversations.length).toBeGreaterThan(1000);
    const target = body.conversations[0]!.conversation;
    const write = await bff.inject({
      method: 'POST',
      url: '/api/chat-users/heavy.user/marks',
      headers: { cookie, ...SAME_ORIGIN_WRITE },
      payload: { items: [{ conversation: target, setBits: [63, 0] }], reason: 'smoke' },
    });
    expect(write.statusCode, write.body).toBe(200);
    const [result] = (write.json() as { results: { status: string; after: { bits: number[] } }[] }).results;
    expect(result?.status).toBe('applied');
    expect(result?.after.bits).toEqual(expect.arrayContaining([0, 63]));
    const audit = await bff.inject({ method: 'GET', url: '/api/audit?chatUser=heavy.user', headers: { cookie } });
    expect(audit.statusCode, audit.body).toBe(200);
    expect((audit.json() as { entries: unknown[] }).entries).toHaveLength(1);
  });
});
