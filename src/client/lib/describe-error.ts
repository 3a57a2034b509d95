// Turns any thrown value into what a support agent reads: one sentence in their language, plus the
// request id to quote when asking for help.
import type { ErrorCode } from '../../shared/api/errors';
import { chatErrorInfo, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { isApiError, type CLIENT_ERROR_CODES } from './api-error';
import type { Language, PlainMessageKey, Translate } from './i18n/translate';

export type ErrorDescription = {
  sentence: string;
  requestId: string | null;
  /** True when the request never reached the server (so there is no request id to quote). */
  unreachable: boolean;
};

/** Who reads the sentence: a configuration problem is worded for admins, and only they see it. */
export type ErrorReader = { isAdmin: boolean };

type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

// Typed over every code of the contract: a new server code without a sentence fails the typecheck.
const CODE_KEYS: Record<ErrorCode | ClientErrorCode, PlainMessageKey> = {
  UNAUTHENTICATED: 'error.code.UNAUTHENTICATED',
  FORBIDDEN: 'error.code.FORBIDDEN',
  CSRF_REJECTED: 'error.code.CSRF_REJECTED',
  STEP_UP_REQUIRED: 'error.code.STEP_UP_REQUIRED',
  VALIDATION_FAILED: 'error.code.VALIDATION_FAILED',
  NOT_FOUND: 'error.code.NOT_FOUND',
  CHAT_USER_NOT_FOUND: 'error.code.CHAT_USER_NOT_FOUND',
  CONFLICT: 'error.code.CONFLICT',
  PRECONDITION_FAILED: 'error.code.PRECONDITION_FAILED',
  PRECONDITION_REQUIRED: 'error.code.PRECONDITION_REQUIRED',
  PAYLOAD_TOO_LARGE: 'error.code.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'error.code.UNSUPPORTED_MEDIA_TYPE',
  INTERNAL_ERROR: 'error.code.INTERNAL_ERROR',
  RATE_LIMITED: 'error.code.RATE_LIMITED',
  UPSTREAM_ERROR: 'error.code.UPSTREAM_ERROR',
  UNAVAILABLE: 'error.code.UNAVAILABLE',
  NETWORK_ERROR: 'error.code.NETWORK_ERROR',
  INVALID_RESPONSE: 'error.code.INVALID_RESPONSE',
  UNKNOWN: 'error.code.UNKNOWN',
};

export function describeError(error: unknown, t: Translate, language: Language, reader: ErrorReader = { isAdmin: false }): ErrorDescription {
  if (!isApiError(error)) return { sentence: t('error.code.UNKNOWN'), requestId: null, unreachable: false };
  const unreachable = error.status === 0;
  if (error.code === 'RATE_LIMITED' && error.retryAfterSeconds !== undefined && error.upstreamCode === undefined) {
    return { sentence: t('error.code.RATE_LIMITED_WAIT', { seconds: error.retryAfterSeconds }), requestId: error.requestId, unreachable };
  }
  return { sentence: describeFailure(error, t, language, reader), requestId: error.requestId, unreachable };
}

/** The sentence for a failure code (a whole request's, or one mark item's), preferring Tencent's own code. */
export function describeFailure(
  failure: { code: string; message: string; upstreamCode?: number | undefined },
  t: Translate,
  language: Language,
  reader: ErrorReader = { isAdmin: false },
): string {
  if (failure.upstreamCode !== undefined) {
    // A setting on the server (keys, region, admin account): the catalogue's sentence names what an
    // admin must check; everyone else learns only that Chat cannot be used and that admins know.
    if (chatErrorInfo(failure.upstreamCode).class === 'configuration' && !reader.isAdmin) return t('error.configurationForStaff');
    // Tencent's code says more than "upstream error": use the catalogue's sentence.
    return chatErrorMessage(failure.upstreamCode, language);
  }
  const key = Object.hasOwn(CODE_KEYS, failure.code) ? CODE_KEYS[failure.code as keyof typeof CODE_KEYS] : undefined;
  if (key) return t(key);
  // A code this page does not know: the BFF's own sentence is English; other languages get ours.
  return language === 'en' && failure.message ? failure.message : t('error.code.UNKNOWN');
}
