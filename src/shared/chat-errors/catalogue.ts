// Every Chat REST error code Markdesk can meet, with what to do about it and a sentence a support
// agent understands, in English and Korean. Pure data: the BFF uses the class to decide on retries,
// the SPA shows the message. Chinese (Simplified) lives in zh-cn.ts.
import { CHAT_INVALID_RESPONSE_CODE, CHAT_NETWORK_ERROR_CODE } from './catalogue-codes';
import { unknownChatErrorZhCn, ZH_CN_CHAT_ERRORS } from './zh-cn';

export type ChatErrorClass = 'retry' | 'back-off' | 'regenerate-sig' | 'configuration' | 'caller' | 'bug';

export type ChatErrorLanguage = 'en' | 'ko' | 'zh-CN';

export type ChatErrorInfo = {
  code: number;
  class: ChatErrorClass;
  en: string;
  ko: string;
};

export { CHAT_INVALID_RESPONSE_CODE, CHAT_NETWORK_ERROR_CODE } from './catalogue-codes';

type Entry = Omit<ChatErrorInfo, 'code'>;


const entries: Record<number, Entry> = {
  // Markdesk pseudo-codes
  [CHAT_NETWORK_ERROR_CODE]: {
    class: 'retry',
    en: 'Markdesk could not reach Chat (network error or timeout). Try again.',
    ko: 'Chat에 연결하지 못했습니다(네트워크 오류 또는 시간 초과). 다시 시도하세요.',
  },
  [CHAT_INVALID_RESPONSE_CODE]: {
    class: 'bug',
    en: 'Chat sent a response Markdesk could not read. This is a Markdesk bug.',
    ko: 'Chat이 보낸 응답을 Markdesk가 읽지 못했습니다. Markdesk의 버그입니다.',
  },

  // Public REST codes
  60002: {
    class: 'bug',
    en: 'The request to Chat had a malformed URL. This is a Markdesk bug.',
    ko: 'Chat으로 보낸 요청의 URL 형식이 잘못되었습니다. Markdesk의 버그입니다.',
  },
  60003: {
    class: 'bug',
    en: 'Chat could not read the request body as JSON. This is a Markdesk bug.',
    ko: 'Chat이 요청 본문을 JSON으로 읽지 못했습니다. Markdesk의 버그입니다.',
  },
  60004: {
    class: 'configuration',
    en: 'Chat rejected the admin account or signature in the request. Check the Chat admin settings.',
    ko: 'Chat이 요청의 관리자 계정 또는 서명을 거부했습니다. Chat 관리자 설정을 확인하세요.',
  },
  60005: {
    class: 'configuration',
    en: 'Chat rejected the signature (UserSig) in the request. Check the secret key and admin account.',
    ko: 'Chat이 요청의 서명(UserSig)을 거부했습니다. 비밀 키와 관리자 계정을 확인하세요.',
  },
  60006: {
    class: 'configuration',
    en: 'The SDKAppID is not valid. Check CHAT_SDKAPPID.',
    ko: 'SDKAppID가 올바르지 않습니다. CHAT_SDKAPPID 설정을 확인하세요.',
  },
  60007: {
    class: 'back-off',
    en: 'Too many requests to Chat right now. Markdesk slows down and tries again.',
    ko: '지금 Chat으로 보내는 요청이 너무 많습니다. 속도를 낮춰 다시 시도합니다.',
  },
  60008: {
    class: 'retry',
    en: 'Chat took too long to answer. Try again in a moment.',
    ko: 'Chat 응답 시간이 초과되었습니다. 잠시 후 다시 시도하세요.',
  },
  60009: {
    class: 'bug',
    en: 'Markdesk called a Chat command that does not exist. This is a Markdesk bug.',
    ko: 'Markdesk가 존재하지 않는 Chat 명령을 호출했습니다. Markdesk의 버그입니다.',
  },
  60010: {
    class: 'configuration',
    en: 'The configured account is not an App admin in Chat. Check CHAT_ADMIN_IDENTIFIER.',
    ko: '설정된 계정이 Chat 앱 관리자가 아닙니다. CHAT_ADMIN_IDENTIFIER를 확인하세요.',
  },
  60011: {
    class: 'back-off',
    en: 'This Chat app is over its overall request limit. Markdesk slows down and tries again.',
    ko: '이 Chat 앱 전체의 요청 한도를 넘었습니다. 속도를 낮춰 다시 시도합니다.',
  },
  60012: {
    class: 'bug',
    en: 'The request to Chat had no SDKAppID. This is a Markdesk bug.',
    ko: 'Chat으로 보낸 요청에 SDKAppID가 없습니다. Markdesk의 버그입니다.',
  },
  60018: {
    class: 'back-off',
    en: 'Requests to Chat are too frequent. Markdesk slows down and tries again.',
    ko: 'Chat 요청이 너무 잦습니다. 속도를 낮춰 다시 시도합니다.',
  },
  60019: {
    class: 'back-off',
    en: 'Requests to Chat are too frequent. Markdesk slows down and tries again.',
    ko: 'Chat 요청이 너무 잦습니다. 속도를 낮춰 다시 시도합니다.',
  },
  70001: {
    class: 'regenerate-sig',
    en: 'The Chat signature (UserSig) expired. Markdesk signs a new one and tries again.',
    ko: 'Chat 서명(UserSig)이 만료되었습니다. 새 서명을 만들어 다시 시도합니다.',
  },
  70003: {
    class: 'configuration',
    en: 'Chat could not read the signature (UserSig). Check the secret key and SDKAppID.',
    ko: 'Chat이 서명(UserSig)을 해석하지 못했습니다. 비밀 키와 SDKAppID를 확인하세요.',
  },
  70009: {
    class: 'configuration',
    en: 'Chat rejected the signature: the secret key is wrong. Check CHAT_SECRET_KEY.',
    ko: 'Chat이 서명을 거부했습니다. 비밀 키가 올바르지 않습니다. CHAT_SECRET_KEY를 확인하세요.',
  },
  70013: {
    class: 'bug',
    en: 'The admin account in the request does not match the signature. This is a Markdesk bug.',
    ko: '요청의 관리자 계정이 서명에 들어 있는 계정과 다릅니다. Markdesk의 버그입니다.',
  },
  70014: {
    class: 'configuration',
    en: 'The SDKAppID does not match the one in the signature. Check CHAT_SDKAPPID.',
    ko: 'SDKAppID가 서명에 들어 있는 값과 다릅니다. CHAT_SDKAPPID를 확인하세요.',
  },
  70016: {
    class: 'configuration',
    en: 'Chat does not know this app in the selected data centre. Check CHAT_REGION.',
    ko: '선택한 데이터 센터에서 이 앱을 찾을 수 없습니다. CHAT_REGION을 확인하세요.',
  },
  70020: {
    class: 'configuration',
    en: 'Chat does not know this SDKAppID in the selected data centre. Check CHAT_REGION and CHAT_SDKAPPID.',
    ko: '선택한 데이터 센터에서 이 SDKAppID를 찾을 수 없습니다. CHAT_REGION과 CHAT_SDKAPPID를 확인하세요.',
  },
  // Repeated signature failures lock the app out for a while; retrying within seconds only prolongs it.
  70050: {
    class: 'configuration',
    en: 'Too many failed signatures, so Chat is refusing requests for a while. Wait at least a minute and check the secret key.',
    ko: '서명 실패가 너무 많아 Chat이 잠시 요청을 거부하고 있습니다. 1분 이상 기다린 뒤 비밀 키를 확인하세요.',
  },

  // recentcontact codes
  50001: {
    class: 'caller',
    en: 'This Chat user has not been imported into Chat',
    ko: '이 사용자 계정은 아직 Chat으로 가져오지 않았습니다',
  },
  50002: {
    class: 'caller',
    en: 'Chat rejected a value in the request as invalid.',
    ko: 'Chat이 요청에 포함된 값이 올바르지 않다며 거부했습니다.',
  },
  50003: {
    class: 'configuration',
    en: 'This action needs App admin permission in Chat. Check CHAT_ADMIN_IDENTIFIER.',
    ko: '이 작업에는 Chat 앱 관리자 권한이 필요합니다. CHAT_ADMIN_IDENTIFIER를 확인하세요.',
  },
  50004: {
    class: 'retry',
    en: 'Chat had an internal error. Try again.',
    ko: 'Chat 내부 오류가 발생했습니다. 다시 시도하세요.',
  },
  50005: {
    class: 'retry',
    en: 'Chat timed out on its side. Try again in a moment.',
    ko: 'Chat 내부에서 시간이 초과되었습니다. 잠시 후 다시 시도하세요.',
  },
  51006: {
    class: 'caller',
    en: 'One mark change must cover between 1 and 100 conversations.',
    ko: '마크 변경 한 번에 대화를 1개 이상 100개 이하로 지정해야 합니다.',
  },
  51007: {
    class: 'caller',
    en: 'The group was dismissed or does not exist',
    ko: '그룹이 해체되었거나 존재하지 않습니다',
  },
  51008: {
    class: 'caller',
    en: 'This user already has 1,000 marked conversations',
    ko: '이 사용자는 이미 마크된 대화가 1,000개로 한도에 도달했습니다',
  },
  51009: {
    class: 'caller',
    en: 'That conversation group does not exist.',
    ko: '해당 대화 그룹이 존재하지 않습니다.',
  },
  51010: {
    class: 'caller',
    en: 'This user already has 20 conversation groups, the maximum.',
    ko: '이 사용자는 이미 최대 개수인 20개의 대화 그룹을 가지고 있습니다.',
  },
  51011: {
    class: 'caller',
    en: 'A conversation group name can be at most 32 bytes long.',
    ko: '대화 그룹 이름은 최대 32바이트까지 쓸 수 있습니다.',
  },
  51012: {
    class: 'caller',
    en: 'This user has too many pinned conversations.',
    ko: '이 사용자는 고정된 대화가 너무 많습니다.',
  },
  51013: {
    class: 'configuration',
    en: 'Your Chat edition does not allow standard marks; custom marks still work',
    ko: '현재 Chat 에디션에서는 표준 마크를 사용할 수 없습니다. 사용자 지정 마크는 계속 사용할 수 있습니다',
  },

  // group codes (per group in get_group_info)
  10010: {
    class: 'caller',
    en: 'The group was dismissed.',
    ko: '그룹이 해체되었습니다.',
  },
  10015: {
    class: 'caller',
    en: 'The group does not exist.',
    ko: '그룹이 존재하지 않습니다.',
  },
};

/** Every code the catalogue knows, Markdesk's pseudo-codes included. */
export const KNOWN_CHAT_ERROR_CODES: readonly number[] = Object.keys(entries)
  .map(Number)
  .sort((a, b) => a - b);

export function isKnownChatErrorCode(code: number): boolean {
  return Object.hasOwn(entries, code);
}

export function chatErrorInfo(code: number): ChatErrorInfo {
  const entry = Object.hasOwn(entries, code) ? entries[code] : undefined;
  if (entry) return { code, ...entry };
  return {
    code,
    class: 'bug',
    en: `Chat returned an error Markdesk does not know (code ${code}).`,
    ko: `Chat이 Markdesk가 알지 못하는 오류를 반환했습니다(코드 ${code}).`,
  };
}

export function chatErrorMessage(code: number, language: ChatErrorLanguage): string {
  if (language === 'zh-CN') {
    if (Object.hasOwn(ZH_CN_CHAT_ERRORS, code)) return ZH_CN_CHAT_ERRORS[code] as string;
    return isKnownChatErrorCode(code) ? chatErrorInfo(code).en : unknownChatErrorZhCn(code);
  }
  return chatErrorInfo(code)[language];
}

/** Classes whose failures go away by themselves, so an automatic retry with back-off makes sense. */
export function isTransientChatErrorClass(errorClass: ChatErrorClass): boolean {
  return errorClass === 'retry' || errorClass === 'back-off';
}
