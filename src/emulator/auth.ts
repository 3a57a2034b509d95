// The checks every /v4 call passes before its command runs, in Tencent's order: URL query
// parameters, then the UserSig, then the App admin rule.
// The one allowed crossing into server/ (see eslint.config.js). Its negated pattern cannot re-include
// a file below an excluded folder (gitignore semantics), hence the directive.
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

  const verdict = verifyUserSig({ userSig, sdkAppId: app.sdkAppId, identifier, secretKey: app.secretKey, nowSeconds });
  if (!verdict.ok) fail(USER_SIG_FAILURE_CODES[verdict.failure]);
  if (identifier !== app.adminIdentifier) fail(CODES.notAdmin);
}
