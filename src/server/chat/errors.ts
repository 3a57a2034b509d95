// Errors the Chat client throws. Each carries a code from the shared catalogue and its class, so
// callers decide (retry, tell the admin, tell the caller) without parsing messages. Messages never
// contain an upstream URL with its query, a UserSig or the secret key.
import {
  CHAT_INVALID_RESPONSE_CODE,
  CHAT_NETWORK_ERROR_CODE,
  chatErrorInfo,
  type ChatErrorClass,
} from '../../shared/chat-errors/catalogue';
import type { ChatCommand } from './commands';

export abstract class ChatError extends Error {
  abstract readonly code: number;
  abstract readonly class: ChatErrorClass;
  abstract readonly command: ChatCommand;
}

/** Chat answered with ActionStatus FAIL (or a non-zero ErrorCode) for the whole request. */
export class ChatApiError extends ChatError {
  override readonly name = 'ChatApiError';
  readonly class: ChatErrorClass;
  constructor(
    readonly command: ChatCommand,
    readonly code: number,
    /** Chat's ErrorInfo, with anything secret removed. */
    readonly info: string,
  ) {
    super(`Chat ${command} failed with error ${code}${info ? `: ${info}` : ''}`);
    this.class = chatErrorInfo(code).class;
  }
}

/** Chat could not be reached or did not answer in time (reset, refused, timeout, HTTP 5xx). */
export class ChatNetworkError extends ChatError {
  override readonly name = 'ChatNetworkError';
  readonly code = CHAT_NETWORK_ERROR_CODE;
  readonly class: ChatErrorClass = 'retry';
  constructor(
    readonly command: ChatCommand,
    /** A short machine-readable reason such as ECONNRESET, UND_ERR_HEADERS_TIMEOUT or HTTP_502. */
    readonly reason: string,
    /**
     * False only when the request certainly never reached Chat (connection refused, connect
     * timeout, DNS); then even a non-idempotent command may be sent again.
     */
    readonly requestMayHaveBeenSent: boolean,
  ) {
    super(`Chat ${command} could not be completed: ${reason}`);
  }
}

/** Chat answered something that is not a Chat response (not JSON, unexpected shape). */
export class ChatInvalidResponseError extends ChatError {
  override readonly name = 'ChatInvalidResponseError';
  readonly code = CHAT_INVALID_RESPONSE_CODE;
  readonly class: ChatErrorClass = 'bug';
  constructor(
    readonly command: ChatCommand,
    readonly problem: string,
  ) {
    super(`Chat ${command} returned an unexpected response: ${problem}`);
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof ChatError;
}

const MAX_INFO_LENGTH = 300;

/**
 * Removes from upstream text anything that could carry a credential: the given secrets verbatim,
 * any `usersig=` parameter, and the query of any URL. Also trims it to a readable length.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  clean = clean
    .replace(/usersig=[^&\s"']*/gi, 'usersig=[redacted]')
    .replace(/(https?:\/\/[^\s?"']*)\?[^\s"']*/gi, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > MAX_INFO_LENGTH ? `${clean.slice(0, MAX_INFO_LENGTH)}…` : clean;
}
