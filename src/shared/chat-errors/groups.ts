// What can go wrong with a conversation group change, in sentences a support agent understands, in
// English, Korean and Simplified Chinese. Tencent's limits (20 groups per user, 32-byte names, 1,000
// marked or grouped conversations) are checked by Markdesk before anything is sent, and Chat's own
// codes for the same limits map to the same sentences, so the person reads one sentence whoever
// noticed first.
import type { ChatErrorLanguage } from './catalogue';

/** Tencent's per-user ceiling on conversation groups (51010). */
export const CONVERSATION_GROUP_CAP = 20;
/** Conversation group names are limited in UTF-8 bytes (51011). */
export const CONVERSATION_GROUP_NAME_MAX_BYTES = 32;

export const GROUP_PROBLEMS = [
  'GROUP_NAME_EMPTY',
  'GROUP_NAME_TOO_LONG',
  'GROUP_NAME_TAKEN',
  'GROUP_LIMIT_REACHED',
  'GROUP_NOT_FOUND',
  'GROUP_CHANGED',
  'GROUP_NEEDS_CONVERSATIONS',
  'MARK_LIMIT_REACHED',
  'EDITION_NOT_SUPPORTED',
  'CHAT_GROUP_DISMISSED',
  'INVALID_CONVERSATION',
] as const;
export type GroupProblem = (typeof GROUP_PROBLEMS)[number];

type Sentence = Record<ChatErrorLanguage, string>;

const SENTENCES: Record<GroupProblem, Sentence> = {
  GROUP_NAME_EMPTY: {
    en: 'Give the conversation group a name.',
    ko: '대화 그룹 이름을 입력하세요.',
    'zh-CN': '请为会话分组命名。',
  },
  GROUP_NAME_TOO_LONG: {
    en: 'A conversation group name can be at most 32 bytes (about 10 Korean or Chinese characters, or 32 Latin letters).',
    ko: '대화 그룹 이름은 최대 32바이트(한글·한자 약 10자, 영문 32자)까지 쓸 수 있습니다.',
    'zh-CN': '会话分组名称最长 32 字节（约 10 个汉字或韩文字符，或 32 个拉丁字母）。',
  },
  GROUP_NAME_TAKEN: {
    en: 'This user already has a conversation group with that name. Pick another name.',
    ko: '이 사용자에게는 이미 같은 이름의 대화 그룹이 있습니다. 다른 이름을 고르세요.',
    'zh-CN': '此用户已有同名的会话分组。请换一个名称。',
  },
  GROUP_LIMIT_REACHED: {
    en: 'This user already has 20 conversation groups, the most Chat allows. Delete one before creating another.',
    ko: '이 사용자는 Chat이 허용하는 최대 개수인 20개의 대화 그룹을 이미 가지고 있습니다. 새로 만들기 전에 하나를 삭제하세요.',
    'zh-CN': '此用户已有 20 个会话分组，已达 Chat 的上限。请先删除一个再创建。',
  },
  GROUP_NOT_FOUND: {
    en: 'That conversation group no longer exists; someone may have deleted it. Reload the list.',
    ko: '해당 대화 그룹이 더 이상 없습니다. 다른 사람이 삭제했을 수 있습니다. 목록을 새로 고치세요.',
    'zh-CN': '该会话分组已不存在，可能已被他人删除。请重新加载列表。',
  },
  GROUP_CHANGED: {
    en: 'Someone else changed this conversation group since it was loaded. Reload and try again.',
    ko: '불러온 뒤 다른 사람이 이 대화 그룹을 바꿨습니다. 새로 고친 뒤 다시 시도하세요.',
    'zh-CN': '加载之后有人修改了此会话分组。请重新加载后重试。',
  },
  GROUP_NEEDS_CONVERSATIONS: {
    en: 'Chat creates a conversation group only with at least one conversation in it. Select conversations first.',
    ko: 'Chat은 대화가 하나 이상 있어야 대화 그룹을 만듭니다. 먼저 대화를 선택하세요.',
    'zh-CN': 'Chat 只能创建至少包含一个会话的会话分组。请先选择会话。',
  },
  MARK_LIMIT_REACHED: {
    en: 'This user already has 1,000 marked or grouped conversations, the most Chat allows; this conversation cannot join a group.',
    ko: '이 사용자는 Chat이 허용하는 최대치인 1,000개의 마크·그룹 대화를 이미 가지고 있어 이 대화를 그룹에 넣을 수 없습니다.',
    'zh-CN': '此用户已有 1,000 个带标记或已分组的会话，已达 Chat 的上限；此会话无法加入分组。',
  },
  EDITION_NOT_SUPPORTED: {
    en: 'Your Chat edition does not allow conversation groups.',
    ko: '현재 Chat 에디션에서는 대화 그룹을 사용할 수 없습니다.',
    'zh-CN': '您的 Chat 版本不支持会话分组。',
  },
  CHAT_GROUP_DISMISSED: {
    en: 'The group chat was dismissed or does not exist, so it cannot join a conversation group.',
    ko: '그룹 채팅이 해체되었거나 존재하지 않아 대화 그룹에 넣을 수 없습니다.',
    'zh-CN': '该群组已解散或不存在，因此无法加入会话分组。',
  },
  INVALID_CONVERSATION: {
    en: 'Chat refused this conversation as invalid.',
    ko: 'Chat이 이 대화를 올바르지 않다며 거부했습니다.',
    'zh-CN': 'Chat 认为此会话无效，拒绝了它。',
  },
};

export function groupProblemMessage(problem: GroupProblem, language: ChatErrorLanguage): string {
  return SENTENCES[problem][language];
}

/** The problem Chat's code stands for in a group change, when it is one of the group limits. */
export function groupProblemOfChatCode(code: number): GroupProblem | null {
  switch (code) {
    case 51007:
      return 'CHAT_GROUP_DISMISSED';
    case 51008:
      return 'MARK_LIMIT_REACHED';
    case 51009:
      return 'GROUP_NOT_FOUND';
    case 51010:
      return 'GROUP_LIMIT_REACHED';
    case 51011:
      return 'GROUP_NAME_TOO_LONG';
    case 51013:
      return 'EDITION_NOT_SUPPORTED';
    default:
      return null;
  }
}
