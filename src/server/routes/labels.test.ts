// Label versions through HTTP: the ETag of a read, the If-Match a save must send, and two admins
// saving at the same moment from the same version.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labelsConflictDetailsSchema, labelsResponseSchema, type LabelMap } from '../../shared/api/labels';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let admin: string;
let otherAdmin: string;

beforeAll(async () => {
  bff = await startTestBff();
  admin = await bff.signIn('admin');
  await bff.addStaff('second.admin', 'admin');
  otherAdmin = await bff.sessionCookie('second.admin');
});
afterAll(() => bff.close());

const read = async (cookie = admin) => {
  const response = await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie } });
  expect(response.statusCode, response.body).toBe(200);
  return { etag: String(response.headers.etag), body: labelsResponseSchema.parse(response.json()) };
};
const put = (labels: LabelMap, headers: Record<string, string>, cookie = admin): Promise<LightMyRequestResponse> =>
  bff.inject({ method: 'PUT', url: '/api/mark-labels', headers: { ...bff.writeHeaders, cookie, ...headers }, payload: { labels } } as InjectOptions);
const errorOf = (response: LightMyRequestResponse) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;

describe('label versions', () => {
  it('sends a strong, quoted ETag with a read, and who changed the labels last and when', async () => {
    const first = await read();
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(first.body).toMatchObject({ labels: expect.any(Object) });
    expect((await read(await bff.signIn('viewer'))).etag).toBe(first.etag);

    bff.clock.advance(60_000);
    const saved = await put({ '32': { name: 'VIP', description: '' } }, { 'if-match': first.etag });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ labels: { '32': { name: 'VIP', description: '' } }, updatedBy: 'admin', updatedAt: new Date(bff.clock.now()).toISOString() });
    const after = await read();
    expect(after.etag).not.toBe(first.etag);
    expect(saved.headers.etag).toBe(after.etag);
    expect(after.body).toEqual(saved.json());
  });

  it('answers 428 PRECONDITION_REQUIRED to a save without If-Match, and saves nothing', async () => {
    const before = await read();
    for (const headers of [{}, { 'if-match': '' }] as Record<string, string>[]) {
      const response = await put({ '33': { name: 'Nope', description: '' } }, headers);
      expect(response.statusCode).toBe(428);
      expect(errorOf(response)).toMatchObject({ code: 'PRECONDITION_REQUIRED', message: expect.stringMatching(/If-Match/) });
    }
    expect(await read()).toEqual(before);
  });

  it('answers 412 PRECONDITION_FAILED to a save based on an older version, with the current labels, ETag, who and when', async () => {
    const loaded = await read();
    bff.clock.advance(1_000);
    const theirs = await put({ '51': { name: 'Theirs', description: 'saved first' } }, { 'if-match': loaded.etag }, otherAdmin);
    expect(theirs.statusCode, theirs.body).toBe(200);

    const mine = await put({ '50': { name: 'Mine', description: '' } }, { 'if-match': loaded.etag });
    expect(mine.statusCode).toBe(412);
    const error = errorOf(mine);
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/second\.admin changed the labels/);
    expect(labelsConflictDetailsSchema.parse(error.details)).toEqual({
      labels: { '51': { name: 'Theirs', description: 'saved first' } },
      etag: theirs.headers.etag,
      updatedBy: 'second.admin',
      updatedAt: new Date(bff.clock.now()).toISOString(),
    });
    expect((await read()).body.labels).toEqual({ '51': { name: 'Theirs', description: 'saved first' } });

    // Based on what the 412 handed back, the same save goes through and keeps both bits.
    const again = await put({ '50': { name: 'Mine', description: '' }, '51': { name: 'Theirs', description: 'saved first' } }, { 'if-match': String(theirs.headers.etag) });
    expect(again.statusCode, again.body).toBe(200);
    expect(Object.keys((again.json() as { labels: LabelMap }).labels)).toEqual(['50', '51']);
  });

  it('compares strongly: a weak or unquoted copy of the current ETag does not match; one tag of a list does', async () => {
    const { etag } = await read();
    for (const ifMatch of [`W/${etag}`, etag.slice(1, -1)]) {
      expect((await put({}, { 'if-match': ifMatch })).statusCode, ifMatch).toBe(412);
    }
    const listed = await put({ '40': { name: 'Listed', description: '' } }, { 'if-match': `"stale", ${etag}` });
    expect(listed.statusCode, listed.body).toBe(200);
  });

  it('takes If-Match: * as "whatever is there now"', async () => {
    const before = await read();
    const response = await put({ '41': { name: 'Forced', description: '' } }, { 'if-match': '*' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).not.toBe(before.etag);
  });

  it('checks the body before the version: an invalid save is a 400 whatever its If-Match', async () => {
    const response = await put({ '32': { name: '42', description: '' } }, { 'if-match': '"stale"' });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_FAILED');
  });
});

describe('two saves from the same version at the same moment', () => {
  it('gives exactly one 200 and one 412, fifty times over', async () => {
    // A gate at the door of the database transaction: each save waits there until both have
    // arrived, so both have passed every check and read nothing yet when they race for the write.
    const write = bff.store.write.bind(bff.store);
    for (let round = 0; round < 50; round++) {
      const { etag } = await read();
      let arrived = 0;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const spy = vi.spyOn(bff.store, 'write').mockImplementation(async (work, options) => {
        if (++arrived === 2) open();
        await gate;
        return write(work, options);
      });
      const mine: LabelMap = { '50': { name: `Mine ${round}`, description: '' } };
      const theirs: LabelMap = { '51': { name: `Theirs ${round}`, description: '' } };
      const answers = await Promise.all([put(mine, { 'if-match': etag }), put(theirs, { 'if-match': etag }, otherAdmin)]);
      spy.mockRestore();

      expect(answers.map((answer) => answer.statusCode).sort(), `round ${round}`).toEqual([200, 412]);
      const winner = answers.find((answer) => answer.statusCode === 200)!;
      const loser = answers.find((answer) => answer.statusCode === 412)!;
      const details = labelsConflictDetailsSchema.parse(errorOf(loser).details);
      expect(details.labels).toEqual((winner.json() as { labels: LabelMap }).labels);
      expect(details.etag).toBe(winner.headers.etag);
      const now = await read();
      expect(now.etag).toBe(winner.headers.etag);
      expect(now.body.labels).toEqual(details.labels);
    }
  });
});
