// The interface language is remembered per person on the server: what one browser sets, another
// session of the same person reads; other people are unaffected; only known languages are taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
});
afterAll(() => bff.close());

const get = (cookie: string) => bff.inject({ method: 'GET', url: '/api/preferences', headers: { cookie } });
const put = (cookie: string, payload: object) => bff.inject({ method: 'PUT', url: '/api/preferences', headers: { ...bff.writeHeaders, cookie }, payload });

describe('preferences', () => {
  it('remembers the language per person, across sessions, and refuses an unknown one', async () => {
    const firstBrowser = await bff.signIn('viewer');
    expect((await get(firstBrowser)).json()).toEqual({ language: null });
    const saved = await put(firstBrowser, { language: 'zh-CN' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ language: 'zh-CN' });

    const secondBrowser = await bff.sessionCookie('viewer');
    expect((await get(secondBrowser)).json()).toEqual({ language: 'zh-CN' });
    expect((await put(secondBrowser, { language: 'ko' })).statusCode).toBe(200);
    expect((await get(firstBrowser)).json()).toEqual({ language: 'ko' });

    const someoneElse = await bff.signIn('editor');
    expect((await get(someoneElse)).json()).toEqual({ language: null });
    const refused = await put(someoneElse, { language: 'fr' });
    expect(refused.statusCode).toBe(400);
    expect((await bff.inject({ method: 'GET', url: '/api/preferences' })).statusCode).toBe(401);
  });
});
