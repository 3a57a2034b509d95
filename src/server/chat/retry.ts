// When and how long to wait before sending a failed Chat call again.
// Full-jitter exponential back-off (delay uniform in [0, min(cap, base·2^n)]) keeps many clients
// that failed together from retrying together.
import { isTransientChatErrorClass } from '../../shared/chat-errors/catalogue';
import { ChatApiError, type ChatError, ChatNetworkError } from './errors';

export type RetryPolicy = {
  /** Retries after the first attempt for transient failures (the 70001 re-sign is extra). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  random: () => number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  random: Math.random,
};

/** Delay before retry number `retryIndex` (0 for the first retry). */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.floor(policy.random() * ceiling);
}

/**
 * - 'regenerate-sig': 70001, sign a new UserSig and send again (once);
 * - 'back-off': Chat refused because of call frequency; the request was not processed, so any
 *   command may be sent again, after slowing down;
 * - 'retry': a transient failure whose outcome is unknown; only idempotent commands go again;
 * - 'give-up': configuration, caller and bug errors, which a retry cannot fix.
 */
export type RetryAction = 'regenerate-sig' | 'back-off' | 'retry' | 'give-up';

export function retryActionFor(error: ChatError, idempotent: boolean): RetryAction {
  if (error instanceof ChatNetworkError) {
    return idempotent || !error.requestMayHaveBeenSent ? 'retry' : 'give-up';
  }
  if (error instanceof ChatApiError) {
    if (error.class === 'regenerate-sig') return 'regenerate-sig';
    if (error.class === 'back-off') return 'back-off';
    if (isTransientChatErrorClass(error.class)) return idempotent ? 'retry' : 'give-up';
  }
  return 'give-up';
}

/** Errors about the call frequency of the whole app rather than of one command. */
export const APP_WIDE_FREQUENCY_CODES: ReadonlySet<number> = new Set([60011]);
