import { CHAT_NETWORK_ERROR_CODE, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { isChatError } from '../chat/errors';
import { HttpError } from '../http/errors';
import { EDITION_NOT_ALLOWED } from './write-policy';

/** Chat's "this UserID has not been imported". */
export const CHAT_USER_NOT_IMPORTED = 50001;

/** The SCREAMING_SNAKE code of a failed item, from Chat's code. */
export function itemErrorCode(upstreamCode: number): string {
  switch (upstreamCode) {
    case 50001:
      return 'CHAT_USER_NOT_FOUND';
    case 50002:
      return 'INVALID_MARK';
    case 51007:
      return 'GROUP_NOT_FOUND';
    case 51008:
      return 'MARK_LIMIT_REACHED';
    case EDITION_NOT_ALLOWED:
      return 'EDITION_NOT_SUPPORTED';
    case CHAT_NETWORK_ERROR_CODE:
      return 'UPSTREAM_UNREACHABLE';
    default:
      return 'UPSTREAM_ERROR';
  }
}

/**
 * An upstream failure as the error a person sees: 404 for a Chat user that is not imported,
 * else 502 with the catalogue's sentence and Chat's code. Never Chat's raw text or a URL.
 */
export function upstreamHttpError(error: unknown): HttpError {
  if (!isChatError(error)) throw error;
  if (error.code === CHAT_USER_NOT_IMPORTED) {
    return new HttpError('CHAT_USER_NOT_FOUND', chatErrorMessage(CHAT_USER_NOT_IMPORTED, 'en'), { upstreamCode: CHAT_USER_NOT_IMPORTED });
  }
  return new HttpError('UPSTREAM_ERROR', chatErrorMessage(error.code, 'en'), { upstreamCode: error.code });
}
