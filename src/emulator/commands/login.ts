// v4/im_open_login_svc/*: importing and checking accounts.
import { ChatRequestError, CODES, type JsonObject } from '../protocol';
import { isJsonObject, optionalString, requireArray, userIdProblem } from '../validate';
import type { CommandContext, CommandTable } from './context';

const INVALID = CODES.loginInvalidParameter;
const MAX_BATCH = 100;

/** Imports or re-imports; a re-import keeps the nickname and avatar unless new ones are given. */
function importAccount(context: CommandContext, userId: string, nick: string | undefined, faceUrl: string | undefined): void {
  const existing = context.store.getAccount(userId);
  context.store.upsertAccount({
    userId,
    nick: nick ?? existing?.nick ?? '',
    faceUrl: faceUrl ?? existing?.faceUrl ?? '',
    importedAt: existing?.importedAt ?? context.now,
  });
}

function accountImport(body: JsonObject, context: CommandContext): JsonObject {
  const problem = userIdProblem(body.UserID);
  if (problem) throw new ChatRequestError(INVALID, problem);
  const nick = optionalString(body, 'Nick', INVALID);
  const faceUrl = optionalString(body, 'FaceUrl', INVALID);
  importAccount(context, body.UserID as string, nick, faceUrl);
  return {};
}

function multiAccountImport(body: JsonObject, context: CommandContext): JsonObject {
  const accounts = requireArray(body, 'Accounts', INVALID, { min: 1, max: MAX_BATCH });
  const failAccounts: unknown[] = [];
  context.store.transaction(() => {
    for (const userId of accounts) {
      if (userIdProblem(userId)) failAccounts.push(userId);
      else importAccount(context, userId as string, undefined, undefined);
    }
  });
  return { FailAccounts: failAccounts };
}

function accountCheck(body: JsonObject, context: CommandContext): JsonObject {
  const items = requireArray(body, 'CheckItem', INVALID, { min: 1, max: MAX_BATCH });
  return {
    ResultItem: items.map((item) => {
      const userId = isJsonObject(item) ? item.UserID : undefined;
      const problem = userIdProblem(userId);
      if (problem) return { UserID: userId, ResultCode: INVALID, ResultInfo: problem };
      const imported = context.store.hasAccount(userId as string);
      return { UserID: userId, ResultCode: 0, ResultInfo: '', AccountStatus: imported ? 'Imported' : 'NotImported' };
    }),
  };
}

export const loginCommands: CommandTable = {
  'im_open_login_svc/account_import': { handler: accountImport, callsPerSecond: 200 },
  'im_open_login_svc/multiaccount_import': { handler: multiAccountImport, callsPerSecond: 200 },
  'im_open_login_svc/account_check': { handler: accountCheck, callsPerSecond: 100 },
};
