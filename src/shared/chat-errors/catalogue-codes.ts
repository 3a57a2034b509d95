/** Markdesk's own code for "Chat could not be reached" (connection reset, timeout, 5xx): not a Tencent code. */
export const CHAT_NETWORK_ERROR_CODE = -1;
/** Markdesk's own code for "Chat answered something we cannot read" (not JSON, wrong shape). */
export const CHAT_INVALID_RESPONSE_CODE = -2;
