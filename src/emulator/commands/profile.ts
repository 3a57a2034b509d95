// v4/profile/portrait_get: the profile fields Markdesk shows (nickname, avatar).
import { ChatRequestError, CODES, type JsonObject } from '../protocol';
import { requireArray } from '../validate';
import type { CommandContext, CommandTable } from './context';

const INVALID = CODES.profileInvalidParameter;
const MAX_ACCOUNTS = 100;

/** The standard profile tags the emulator keeps; other tags are accepted and have no value. */
const PROFILE_TAGS: Record<string, (account: { nick: string; faceUrl: string }) => string> = {
  Tag_Profile_IM_Nick: (account) => account.nick,
  Tag_Profile_IM_Image: (account) => account.faceUrl,
};

function portraitGet(body: JsonObject, context: CommandContext): JsonObject {
  const accounts = requireArray(body, 'To_Account', INVALID, { min: 1, max: MAX_ACCOUNTS });
  const tags = requireArray(body, 'TagList', INVALID, { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (accounts.some((id) => typeof id !== 'string' || id === '')) {
    throw new ChatRequestError(INVALID, 'To_Account must hold non-empty strings');
  }
  if (tags.some((tag) => typeof tag !== 'string')) throw new ChatRequestError(INVALID, 'TagList must hold strings');
  const failAccounts: string[] = [];
  const items = (accounts as string[]).map((userId) => {
    const account = context.store.getAccount(userId);
    if (!account) {
      failAccounts.push(userId);
      return { To_Account: userId, ResultCode: CODES.profileAccountNotFound, ResultInfo: `${userId} has not been imported` };
    }
    const profileItem = (tags as string[])
      .filter((tag) => Object.hasOwn(PROFILE_TAGS, tag))
      .map((tag) => ({ Tag: tag, Value: (PROFILE_TAGS[tag] as (a: typeof account) => string)(account) }));
    return { To_Account: userId, ProfileItem: profileItem, ResultCode: 0, ResultInfo: '' };
  });
  return { UserProfileItem: items, FailAccount: failAccounts };
}

export const profileCommands: CommandTable = {
  'profile/portrait_get': { handler: portraitGet, callsPerSecond: 200 },
};
