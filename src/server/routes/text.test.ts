// Text that cannot be stored exactly (a lone surrogate, a control character) is refused at every
// door with 400 VALIDATION_FAILED naming the field; text that can is stored and read back as sent.
// JSON bodies are sent as raw text: a lone surrogate travels as the escape \ud800, as a browser's
// JSON.stringify would write it.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditListResponse } from '../../shared/api/audit';
import type { JobCheckedResponse } from '../../shared/api/jobs';
import type { MarkResult } from '../../shared/api/marks';
import { verifyAuditChain } from '../store/audit-verify';
import { jobCsv, uploadJob } from '../jobs/testing';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;

type ErrorBody = { error: { code: string; message: string; details?: Record<string, string[]> } };

const unstorable = (subject: string) =>
  `${subject} contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.`;

/** Sends `rawJson` exactly as written. */
async function send(role: 'editor' | 'admin', method: 'POST' | 'PUT', url: string, rawJson: string): Promise<LightMyRequestResponse> {
  return bff.inject({ method, url, headers: { ...bff.writeHeaders, cookie: await bff.signIn(role), 'content-type': 'application/json' }, payload: rawJson });
}

function refusal(response: LightMyRequestResponse): ErrorBody['error'] {
  expect(response.statusCode, response.body).toBe(400);
  const { error } = response.json() as ErrorBody;
  expect(error.code).toBe('VALIDATION_FAILED');
  return error;
}

const auditRows = async () =>
  (await bff.store.read.selectFrom('audit').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '!=', 'admin').executeTakeFirstOrThrow()).n;
const markBody = (fields: string) => `{"items":[{"conversation":{"type":"c2c","id":"bob"},"setBits":[0]${fields}}]`;

beforeAll(async () => {
  bff = await startTestBff();
  await bff.importUsers('alice', 'bob');
});
afterAll(() => bff.close());

describe('POST /api/chat-users/:userId/marks', () => {
  it('refuses a reason with a lone surrogate, naming body.reason, and writes nothing', async () => {
    const before = await auditRows();
    const error = refusal(await send('editor', 'POST', '/api/chat-users/alice/marks', `${markBody('')},"reason":"ticket \\ud800 42"}`));
    expect(error.details).toEqual({ 'body.reason': [unstorable('The reason')] });
    expect(error.message).toBe(`reason: ${unstorable('The reason')}`);
    expect(await auditRows()).toBe(before);
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });

  it('refuses a custom mark with a control character (U+0007)', async () => {
    const error = refusal(await send('editor', 'POST', '/api/chat-users/alice/marks', `${markBody(',"customMark":"VIP\\u0007"')}}`));
    expect(error.details).toEqual({ 'body.items.0.customMark': [unstorable('The custom mark')] });
  });

  it('takes an expected custom mark with a control character (Chat may hold one), but not a broken emoji half', async () => {
    const response = await send('editor', 'POST', '/api/chat-users/alice/marks', `${markBody(',"customMark":"new","expectedCustomMark":"old\\u0007"')}}`);
    expect(response.statusCode, response.body).toBe(200);
    expect((response.json() as { results: MarkResult[] }).results[0]?.status).toBe('conflict');
    const error = refusal(await send('editor', 'POST', '/api/chat-users/alice/marks', `${markBody(',"expectedCustomMark":"\\udc00"')}}`));
    expect(Object.keys(error.details ?? {})).toEqual(['body.items.0.expectedCustomMark']);
  });

  it('stores a reason and custom mark of emoji, Korean, Chinese, combining marks and U+FFFD exactly; the chain still verifies', async () => {
    const text = '티켓 😀 👩‍👩‍👧‍👦 中文 e\u0301 \ufffd 🇰🇷';
    const response = await send('editor', 'POST', '/api/chat-users/alice/marks', `${markBody(`,"customMark":${JSON.stringify(text)}`)},"reason":${JSON.stringify(text)}}`);
    expect(response.statusCode, response.body).toBe(200);
    const [result] = (response.json() as { results: MarkResult[] }).results;
    expect(result).toMatchObject({ status: 'applied', after: { customMark: text } });
    const audit = await bff.inject({ method: 'GET', url: `/api/audit?limit=1`, headers: { cookie: await bff.signIn('viewer') } });
    const [entry] = (audit.json() as AuditListResponse).entries;
    expect(entry).toMatchObject({ id: result!.auditId, reason: text, requested: { customMark: text } });
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });
});

describe('other doors', () => {
  it('POST /api/audit/:id/revert refuses such a reason', async () => {
    const error = refusal(await send('editor', 'POST', '/api/audit/some-entry/revert', '{"reason":"undo \\ud83d"}'));
    expect(error.details).toEqual({ 'body.reason': [unstorable('The reason')] });
  });

  it('PUT /api/mark-labels refuses a lone surrogate in a name and a control character in a description', async () => {
    const name = refusal(await send('admin', 'PUT', '/api/mark-labels', '{"labels":{"32":{"name":"VIP \\ud800"}}}'));
    expect(name.details).toEqual({ 'body.labels.32.name': [unstorable('The name')] });
    const description = refusal(await send('admin', 'PUT', '/api/mark-labels', '{"labels":{"33":{"name":"Refund","description":"two\\nlines"}}}'));
    expect(description.details).toEqual({ 'body.labels.33.description': [unstorable('The description')] });
    const read = await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie: await bff.signIn('viewer') } });
    expect(read.json()).toMatchObject({ labels: {} });
  });

  it('POST /api/staff refuses a username or password with such a character', async () => {
    const username = refusal(await send('admin', 'POST', '/api/staff', '{"username":"sam\\u0007","role":"viewer","password":"correct horse battery"}'));
    expect(username.details).toEqual({ 'body.username': [unstorable('The username')] });
    const password = refusal(await send('admin', 'POST', '/api/staff', '{"username":"sam","role":"viewer","password":"correct horse \\udbff battery"}'));
    expect(Object.keys(password.details ?? {})).toEqual(['body.password']);
    expect(await bff.store.read.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).where('username', 'like', 'sam%').executeTakeFirst()).toEqual({ n: 0 });
  });

  it('POST /api/session refuses such a username before it is looked up', async () => {
    for (const username of ['admin\\u0000', 'admin\\ud800']) {
      const response = await bff.inject({
        method: 'POST',
        url: '/api/session',
        headers: { ...bff.writeHeaders, 'content-type': 'application/json' },
        payload: `{"username":"${username}","password":"whatever it is"}`,
      });
      expect(Object.keys(refusal(response).details ?? {})).toEqual(['body.username']);
    }
  });

  it('POST /api/jobs lists a line with a control character in a cell as invalid, naming the column', async () => {
    const response = await uploadJob(bff, jobCsv('alice,c2c,bob,0,,"VIP\u0007",', 'alice,c2c,bob,1,,,'));
    expect(response.statusCode, response.body).toBe(201);
    const checked = response.json() as JobCheckedResponse;
    expect(checked).toMatchObject({ rows: 2, valid: 1, invalid: [{ line: 2, error: `custom_mark: ${unstorable('This cell')}` }] });
  });
});
