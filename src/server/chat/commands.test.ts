import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS, commandRateLimit, isChatCommand, isIdempotentCommand, parseCommandResponse } from './commands';
import { readEnvelope } from './envelope';
import { ChatApiError, ChatInvalidResponseError, redactSecrets } from './errors';

describe('command registry', () => {
  it('holds exactly the commands Markdesk sends', () => {
    expect([...CHAT_COMMANDS].sort()).toEqual(
      [
        'recentcontact/mark_contact',
        'recentcontact/get_contact_group',
        'recentcontact/search_contact_group',
        'recentcontact/create_contact_group',
        'recentcontact/update_contact_group',
        'recentcontact/del_contact_group',
        'recentcontact/get_list',
        'recentcontact/delete',
        'im_open_login_svc/account_import',
        'im_open_login_svc/multiaccount_import',
        'im_open_login_svc/account_check',
        'profile/portrait_get',
        'group_open_http_svc/create_group',
        'group_open_http_svc/add_group_member',
        'group_open_http_svc/get_joined_group_list',
        'group_open_http_svc/get_group_info',
        'group_open_http_svc/destroy_group',
        'group_open_http_svc/send_group_msg',
        'openim/sendmsg',
      ].sort(),
    );
    expect(isChatCommand('recentcontact/mark_contact')).toBe(true);
    expect(isChatCommand('recentcontact/constructor')).toBe(false);
  });

  it('marks writes that are deltas as safe to repeat, and message sends as not', () => {
    expect(isIdempotentCommand('recentcontact/mark_contact')).toBe(true);
    expect(isIdempotentCommand('openim/sendmsg')).toBe(false);
    expect(isIdempotentCommand('group_open_http_svc/create_group')).toBe(false);
  });

  it('takes the configured rate, or 90 % of a documented ceiling that is lower than it', () => {
    expect(commandRateLimit('im_open_login_svc/account_check', 180)).toBe(90);
    expect(commandRateLimit('recentcontact/get_list', 180)).toBe(180);
    expect(commandRateLimit('recentcontact/mark_contact', 200)).toBe(200);
    expect(commandRateLimit('recentcontact/mark_contact', 201)).toBe(180);
    expect(commandRateLimit('im_open_login_svc/account_check', 100)).toBe(100);
    expect(commandRateLimit('recentcontact/get_list', 1000)).toBe(180);
    expect(commandRateLimit('profile/portrait_get', 1000)).toBe(1000);
    expect(commandRateLimit('im_open_login_svc/account_check', 20)).toBe(20);
  });
});

describe('response schemas', () => {
  it('read the documented examples', () => {
    const marked = parseCommandResponse('recentcontact/mark_contact', {
      ResultItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'user1' }, ResultCode: 0, ResultInfo: '' }],
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      ErrorDisplay: '',
    });
    expect(marked.ResultItem[0]!.ResultCode).toBe(0);

    const page = parseCommandResponse('recentcontact/get_contact_group', {
      ContactItem: [
        { Type: 1, To_Account: 'teacher4', StandardMark: '111001', ContactGroupId: [1, 2], Timestamp: 1670843110 },
        { Type: 2, ToGroupId: '@TGS#1N3RSUYG2', StandardMark: '111001', CustomMark: 'abcd', Timestamp: 1672998266 },
      ],
      GroupItem: [
        { GroupName: 'test1x', GroupId: 1 },
        { GroupName: 'test10', GroupId: 2 },
      ],
      CompleteFlag: 1,
      NextStartIndex: 0,
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
    });
    expect(page.ContactItem).toHaveLength(2);

    const list = parseCommandResponse('recentcontact/get_list', {
      SessionItem: [
        { Type: 1, To_Account: 'id2', MsgTime: 1630997627, TopFlag: 1 },
        { Type: 2, GroupId: 'id3', MsgTime: 1630997628, TopFlag: 0 },
      ],
      CompleteFlag: 1,
      TimeStamp: 1631012800,
      StartIndex: 0,
      TopTimeStamp: 1631012800,
      TopStartIndex: 0,
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      ErrorDisplay: '',
    });
    expect(list.SessionItem[1]).toMatchObject({ GroupId: 'id3' });
  });

  it('are strict about the fields Markdesk reads', () => {
    expect(() =>
      parseCommandResponse('recentcontact/search_contact_group', {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ContactResultItem: [{ Type: '1', To_Account: 'a' }],
      }),
    ).toThrow();
  });
});

describe('readEnvelope', () => {
  it('returns the typed body of an OK envelope', () => {
    const body = { ActionStatus: 'OK', ErrorCode: 0, GroupId: '@TGS#x' };
    expect(readEnvelope('group_open_http_svc/create_group', body, [])).toMatchObject({ GroupId: '@TGS#x' });
  });

  it('throws ChatApiError with the class of the code for FAIL', () => {
    const error = (() => {
      try {
        readEnvelope('recentcontact/mark_contact', { ActionStatus: 'FAIL', ErrorCode: 51013, ErrorInfo: 'edition' }, []);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: 51013, class: 'configuration', info: 'edition' });
  });

  it('refuses something that is not an envelope', () => {
    expect(() => readEnvelope('recentcontact/delete', { hello: 'world' }, [])).toThrow(ChatInvalidResponseError);
    expect(() => readEnvelope('recentcontact/delete', { ActionStatus: 'FAIL', ErrorCode: 0 }, [])).toThrow(ChatInvalidResponseError);
  });
});

describe('redactSecrets', () => {
  it('removes the given secrets, usersig parameters and URL queries, and trims length', () => {
    const text = 'sig eJxSECRETSIG failed at https://adminapikr.im.qcloud.com/v4/a/b?sdkappid=1&usersig=eJx&random=2 key=k3y-value';
    const clean = redactSecrets(text, ['eJxSECRETSIG', 'k3y-value']);
    expect(clean).not.toContain('eJxSECRETSIG');
    expect(clean).not.toContain('k3y-value');
    expect(clean).not.toContain('sdkappid=1');
    expect(clean).toContain('https://adminapikr.im.qcloud.com/v4/a/b');
    expect(redactSecrets('x'.repeat(1000), []).length).toBeLessThanOrEqual(301);
  });
});
