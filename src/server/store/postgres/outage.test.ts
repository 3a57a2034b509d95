// PostgreSQL out of reach for a while (a restart, a failover, a cut network): requests get 503 with
// a sentence, nothing is sent to Chat without its audit intent, and everything works again once the
// database answers, without a restart. The database is reached through a TCP relay the test cuts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, type TestBff } from '../../testing/bff-harness';
import { databaseRelay, type DatabaseRelay } from '../../testing/database-relay';
import { dropTestSchema, freshPostgresLocation } from '../../testing/test-store';
import { openStore } from '../open';


const location = freshPostgresLocation();
let bff: TestBff;
let cable: DatabaseRelay;

beforeAll(async () => {
  cable = await databaseRelay(new URL(location.url));
  bff = await startTestBff({ openStore: () => openStore({ ...location, url: cable.url() }, randomBytes(32)) });
  await bff.importUsers('outage.alice');
});
afterAll(async () => {
  await bff.close();
  await dropTestSchema(location);
});

describe('PostgreSQL out of reach', () => {
  it('answers 503 with a sentence, sends nothing upstream, and recovers when the database is back', async () => {
    const editor = await bff.signIn('editor');
    const save = () =>
      bff.inject({
        method: 'POST',
        url: '/api/chat-users/outage.alice/marks',
        headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'application/json' },
        payload: JSON.stringify({ items: [{ conversation: { type: 'c2c', id: 'outage.bob' }, setBits: [0] }] }),
      });
    await bff.clearEmulatorStats();

    await cable.cut();
    const refused = await save();
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/database cannot be reached/) } });
    expect(refused.body).not.toMatch(/at |ECONNREFUSED|127\.0\.0\.1|postgres/);
    // The save could not record its intent, so it sent nothing.
    expect((await bff.emulatorStats()).commands['recentcontact/mark_contact']?.calls ?? 0).toBe(0);
    expect(bff.logs.some((line) => line.includes('database_unavailable'))).toBe(true);

    await cable.restore();
    const saved = await save();
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ results: [{ status: 'applied' }] });
  });
});
