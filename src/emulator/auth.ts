// The checks every /v4 call passes before its command runs, in Tencent's order: URL query
// parameters, then the UserSig, then the App admin rule.
// The one allowed crossing into server/ (see eslint.config.js): the UserSig module.
import { verifyUserSig, type UserSigFailure } from '../server/chat/usersig';
import { ChatRequestError, CODES, errorInfo } from './protocol';

export type AppIdentity = { sdkAppId: number; secretKey: string; adminIdentifier: string };

const USER_SIG_FAILURE_CODES: Record<UserSigFailure, number> = {
  malformed: CODES.userSigMalformed,
  'wrong-key': CODES.userSigWrongKey,
  'wrong-identifier': CODES.userSigIdentifierMismatch,
  'wrong-sdkappid': CODES.userSigSdkAppIdMismatch,
  expired: CODES.userSigExpired,
};

const UINT32_MAX = 0xffffffff;

function fail(code: number, info = errorInfo(code)): never {
  throw new ChatRequestError(code, info);
}

/** Throws ChatRequestError for the first problem found. Names and values are case-sensitive. */
export function authenticate(query: URLSearchParams, app: AppIdentity, nowSeconds: number): void {
  const sdkAppId = query.get('sdkappid');
  if (!sdkAppId) fail(CODES.sdkAppIdMissing);
  const identifier = query.get('identifier');
  if (!identifier) fail(CODES.identifierInvalid, 'identifier is missing in the URL');
  const userSig = query.get('usersig');
  if (!userSig) fail(CODES.userSigMissing);
  const random = query.get('random');
  if (random === null || !/^[0-9]{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
    fail(CODES.httpParse, 'HTTP parse error: random must be an unsigned 32-bit integer');
  }
  if (query.get('contenttype') !== 'json') fail(CODES.httpParse, 'HTTP parse error: contenttype must be json');
  if (!/^[0-9]{1,10}$/.test(sdkAppId)) fail(CODES.sdkAppIdInvalid);
  // One app lives here; any other SDKAppID has no key in this "data centre".
  if (Number(sdkAppId) !== app.sdkAppId) fail(CODES.sdkAppIdNotFound);

  checkUserSig(userSig, identifier, app, nowSeconds);
  if (identifier !== app.adminIdentifier) fail(CODES.notAdmin);
}

/**
 * A client reuses one UserSig for hours, so a verified one is remembered with its expiry: the
 * answer is the same (only the clock can change it, and the expiry is checked every time) and a
 * busy client does not pay an inflate and an HMAC per call. Keyed per app, identifier and sig.
 */
const verifiedUserSigs = new Map<string, number>();
const VERIFIED_USER_SIGS_MAX = 1000;

function checkUserSig(userSig: string, identifier: string, app: AppIdentity, nowSeconds: number): void {
  const key = `${app.sdkAppId}\n${app.secretKey}\n${identifier}\n${userSig}`;
  const expiresAt = verifiedUserSigs.get(key);
  if (expiresAt !== undefined) {
    if (nowSeconds > expiresAt) fail(CODES.userSigExpired);
    return;
  }
  const verdict = verifyUserSig({ userSig, sdkAppId: app.sdkAppId, identifier, secretKey: app.secretKey, nowSeconds });
  if (!verdict.ok) fail(USER_SIG_FAILURE_CODES[verdict.failure]);
  if (verifiedUserSigs.size >= VERIFIED_USER_SIGS_MAX) verifiedUserSigs.delete(verifiedUserSigs.keys().next().value as string);
  verifiedUserSigs.set(key, verdict.decoded['TLS.time'] + verdict.decoded['TLS.expire']);
}
