import type { ConversationEntry, ConversationsResponse } from '../../shared/api/chat-users';
import { isoFromUnixSeconds } from '../../shared/api/time';
import { conversationKey, type Conversation } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import type { ChatClient } from '../chat/client';
import { getAllContactGroups, getFullRecentList, groupInfos, portraitNicknames } from '../chat/helpers';
import { countSkipped, createOddRows, type OddRows } from '../chat/rows';
import { type Clock } from '../clock';
import { newestFirst } from '../../shared/marks/app-view';

/** Nicknames and group names change rarely; a short cache spares Chat's budget on reloads. */
export const NAME_CACHE_TTL_MS = 60_000;
const NAME_CACHE_MAX_ENTRIES = 20_000;

export class NameCache {
  readonly #entries = new Map<string, { name: string | null; expiresAt: number }>();
  constructor(private readonly clock: Clock) {}

  get(key: string): string | null | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.name;
  }

  set(key: string, name: string | null): void {
    if (this.#entries.size >= NAME_CACHE_MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { name, expiresAt: this.clock.now() + NAME_CACHE_TTL_MS });
  }
}

async function namesOf(chat: Pick<ChatClient, 'call'>, cache: NameCache, conversations: Conversation[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  const missingUsers: string[] = [];
  const missingGroups: string[] = [];
  for (const conversation of conversations) {
    const key = conversationKey(conversation);
    const cached = cache.get(key);
    if (cached !== undefined) names.set(key, cached);
    else if (conversation.type === 'c2c') missingUsers.push(conversation.id);
    else missingGroups.push(conversation.id);
  }
  const [nicknames, groups] = await Promise.all([
    missingUsers.length > 0 ? portraitNicknames(chat, missingUsers) : new Map<string, string>(),
    missingGroups.length > 0 ? groupInfos(chat, missingGroups) : new Map(),
  ]);
  for (const id of missingUsers) {
    const key = conversationKey({ type: 'c2c', id });
    const name = nicknames.get(id) ?? null;
    cache.set(key, name);
    names.set(key, name);
  }
  for (const id of missingGroups) {
    const key = conversationKey({ type: 'group', id });
    const info = groups.get(id);
    const name = info && info.errorCode === 0 && info.name ? info.name : null;
    cache.set(key, name);
    names.set(key, name);
  }
  return names;
}

/**
 * The recent list (every page) ∪ every marked or grouped conversation (every page), so a marked
 * conversation that fell out of the recent list still shows. Pinned first, then by last message,
 * newest first; conversations without messages last. Rows Chat sent that could not be read are
 * counted in `skipped` (and in `odd`, for the log); doubtful ones carry their warnings.
 */
export async function loadConversations(
  chat: Pick<ChatClient, 'call'>,
  cache: NameCache,
  userId: string,
  odd: OddRows = createOddRows(),
): Promise<ConversationsResponse> {
  const [recent, marked] = await Promise.all([getFullRecentList(chat, userId, { odd }), getAllContactGroups(chat, userId, { odd })]);
  const entries = new Map<string, ConversationEntry>();
  for (const session of recent) {
    entries.set(conversationKey(session.conversation), {
      conversation: session.conversation,
      name: null,
      pinned: session.pinned,
      lastMessageAt: isoFromUnixSeconds(session.msgTime),
      inRecentList: true,
      bits: [],
      customMark: '',
      groupIds: [],
      markUpdatedAt: null,
    });
  }
  for (const marks of marked.items) {
    const key = conversationKey(marks.conversation);
    const base = entries.get(key) ?? {
      conversation: marks.conversation,
      name: null,
      pinned: false,
      lastMessageAt: null,
      inRecentList: false,
      bits: [],
      customMark: '',
      groupIds: [],
      markUpdatedAt: null,
    };
    entries.set(key, {
      ...base,
      bits: bitsFromMask(marks.mask),
      customMark: marks.customMark,
      groupIds: [...marks.groupIds].sort((a, b) => a - b),
      markUpdatedAt: isoFromUnixSeconds(marks.timestamp),
    });
  }
  const conversations = [...entries.values()];
  const groupNames = new Map(marked.groups.map((group) => [group.GroupId, group.GroupName]));
  for (const entry of conversations) {
    // A group id Chat did not list among the user's groups has no name to show; it is left out of the names only.
    entry.groupNames = entry.groupIds.flatMap((id) => {
      const name = groupNames.get(id);
      return name === undefined ? [] : [name];
    });
    const warnings = odd.doubtful.get(conversationKey(entry.conversation));
    if (warnings) entry.warnings = warnings;
  }
  // An ID over Chat's limit would only make the name lookup fail for its whole batch.
  const lookUp = conversations.filter((entry) => !entry.warnings?.includes('id-too-long')).map((entry) => entry.conversation);
  const names = await namesOf(chat, cache, lookUp);
  for (const entry of conversations) entry.name = names.get(conversationKey(entry.conversation)) ?? null;
  // Plain comparisons, as the SPA sorts the same times (newestFirst): the API's time strings order as
  // plain strings do, and no locale collation is built for them.
  conversations.sort(
    (a, b) =>
      Number(b.pinned) - Number(a.pinned) ||
      newestFirst(a.lastMessageAt, b.lastMessageAt) ||
      byCodeUnits(conversationKey(a.conversation), conversationKey(b.conversation)),
  );
  return {
    userId,
    conversations,
    groups: marked.groups.map((group) => ({ id: group.GroupId, name: group.GroupName })).sort((a, b) => a.id - b.id),
    skipped: countSkipped(odd),
  };
}

/** Ties in time go by conversation key, compared as code units: the same order on every server, whatever its locale. */
const byCodeUnits = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
