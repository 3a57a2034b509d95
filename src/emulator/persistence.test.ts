// State in a SQLite file survives a restart; demo data goes only into an empty database.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_HEAVY_USER } from './demo/demo-data';
import { EmulatorStore } from './store';
import { chatCaller, expectOk, importAccounts, startTestEmulator } from './test-support';

const directory = mkdtempSync(join(tmpdir(), 'markdesk-emulator-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function dumpOf(file: string) {
  const store = new EmulatorStore(file);
  try {
    return store.dump();
  } finally {
    store.close();
  }
}

describe('a database file', () => {
  it('keeps accounts, groups, conversations, marks and conversation groups across a restart', async () => {
    const dbFile = join(directory, 'state.sqlite');
    const first = await startTestEmulator({ dbFile });
    const call = chatCaller(first);
    await importAccounts(call, ['keeper', 'friend']);
    const groupId = expectOk(await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Kept', Owner_Account: 'keeper' }))
      .GroupId as string;
    expectOk(
      await call('openim/sendmsg', {
        From_Account: 'keeper',
        To_Account: 'friend',
        MsgRandom: 1,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'remember me' } }],
      }),
    );
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'keeper',
        MarkItem: [
          { OptType: 3, ContactItem: { Type: 1, To_Account: 'friend' }, SetMark: [1, 63], CustomMark: '기억해' },
          { OptType: 1, ContactItem: { Type: 2, ToGroupId: groupId }, SetMark: [0] },
        ],
      }),
    );
    expectOk(
      await call('recentcontact/create_contact_group', {
        From_Account: 'keeper',
        GroupContactItem: [{ GroupName: 'Close', ContactItem: [{ Type: 1, To_Account: 'friend' }] }],
      }),
    );
    const before = expectOk(await call('recentcontact/get_contact_group', { From_Account: 'keeper', StartIndex: 0 }));
    await first.close();

    // A new process gets new credentials, as the sandbox does on every start.
    const second = await startTestEmulator({ dbFile });
    try {
      const again = chatCaller(second);
      const after = expectOk(await again('recentcontact/get_contact_group', { From_Account: 'keeper', StartIndex: 0 }));
      expect(after.ContactItem).toEqual(before.ContactItem);
      expect(after.GroupItem).toEqual([{ GroupName: 'Close', GroupId: 1 }]);
      const list = expectOk(
        await again('recentcontact/get_list', {
          From_Account: 'friend',
          TimeStamp: 0,
          StartIndex: 0,
          TopTimeStamp: 0,
          TopStartIndex: 0,
          AssistFlags: 15,
        }),
      );
      expect(list.SessionItem).toEqual([expect.objectContaining({ Type: 1, To_Account: 'keeper' })]);
      const info = expectOk(await again('group_open_http_svc/get_group_info', { GroupIdList: [groupId] }));
      expect(info.GroupInfo).toEqual([expect.objectContaining({ GroupId: groupId, Name: 'Kept', ErrorCode: 0 })]);
    } finally {
      await second.close();
    }
  });

  it('counts marked conversations toward the 1,000 cap in a file written before the count was kept', async () => {
    const dbFile = join(directory, 'older.sqlite');
    const first = await startTestEmulator({ dbFile, demoData: true });
    await first.close();
    // What a file from before mark_count looks like: the marks, no count, no triggers.
    const raw = new Database(dbFile);
    raw.exec('DROP TRIGGER mark_count_on_insert; DROP TRIGGER mark_count_on_delete; DROP TABLE mark_count');
    raw.close();

    const second = await startTestEmulator({ dbFile });
    const items = Array.from({ length: 11 }, (_, index) => ({ OptType: 1, ContactItem: { Type: 1, To_Account: `after-upgrade-${index}` }, SetMark: [0] }));
    const response = expectOk(await chatCaller(second)('recentcontact/mark_contact', { From_Account: DEMO_HEAVY_USER, MarkItem: items }));
    await second.close();
    expect((response.ResultItem as { ResultCode: number }[]).map((item) => item.ResultCode)).toEqual([...Array(10).fill(0), 51008]);
  });

  it('gets demo data once: a restart neither duplicates nor resets it', async () => {
    const dbFile = join(directory, 'demo.sqlite');
    const first = await startTestEmulator({ dbFile, demoData: true });
    const call = chatCaller(first);
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: DEMO_HEAVY_USER,
        MarkItem: [{ OptType: 2, ContactItem: { Type: 1, To_Account: 'customer.0001' }, CustomMark: 'changed in the sandbox' }],
      }),
    );
    await first.close();
    const afterFirst = dumpOf(dbFile);

    const second = await startTestEmulator({ dbFile, demoData: true });
    await second.close();
    expect(dumpOf(dbFile)).toEqual(afterFirst);
    expect(afterFirst.conversation_mark?.some((row) => row.custom_mark === 'changed in the sandbox')).toBe(true);
  });

  it('does not add demo data to a database that started empty', async () => {
    const dbFile = join(directory, 'empty.sqlite');
    await (await startTestEmulator({ dbFile, demoData: false })).close();
    const emulator = await startTestEmulator({ dbFile, demoData: true });
    try {
      const checked = expectOk(
        await chatCaller(emulator)('im_open_login_svc/account_check', { CheckItem: [{ UserID: DEMO_HEAVY_USER }] }),
      );
      expect(checked.ResultItem).toEqual([expect.objectContaining({ AccountStatus: 'NotImported' })]);
    } finally {
      await emulator.close();
    }
  });
});
