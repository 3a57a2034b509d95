// Tencent's response envelope and the error codes the emulator answers with. HTTP status is always
// 200; success and failure live in ActionStatus/ErrorCode, like the real service.
import { randomBytes } from 'node:crypto';

export type JsonObject = Record<string, unknown>;

/** Every code the emulator can put in a top-level ErrorCode or a per-item ResultCode. */
export const CODES = {
  // public (60000–79999)
  httpParse: 60002,
  invalidJson: 60003,
  identifierInvalid: 60004,
  userSigMissing: 60005,
  sdkAppIdInvalid: 60006,
  rateLimited: 60007,
  unknownCommand: 60009,
  notAdmin: 60010,
  sdkAppIdMissing: 60012,
  userSigExpired: 70001,
  userSigMalformed: 70003,
  userSigWrongKey: 70009,
  userSigIdentifierMismatch: 70013,
  userSigSdkAppIdMismatch: 70014,
  sdkAppIdNotFound: 70020,
  // recentcontact
  accountNotImported: 50001,
  invalidParameter: 50002,
  internalError: 50004,
  networkTimeout: 50005,
  markItemCount: 51006,
  groupUnresolvable: 51007,
  conversationCap: 51008,
  contactGroupNotFound: 51009,
  contactGroupCount: 51010,
  contactGroupNameTooLong: 51011,
  editionNotAllowed: 51013,
  // im_open_login_svc
  loginInvalidParameter: 70402,
  // profile
  profileInvalidParameter: 40001,
  profileAccountNotFound: 40003,
  // group_open_http_svc
  groupInvalidParameter: 10004,
  groupNoPermission: 10007,
  groupDismissed: 10010,
  groupNotFound: 10015,
  groupAccountNotFound: 10019,
  groupIdInUse: 10021,
  // openim
  msgInvalidJson: 90001,
  msgBodyInvalid: 90002,
  msgRandomMissing: 90005,
  msgAccountInvalid: 20003,
} as const;

/** A whole-request failure: the handler stops and the envelope carries this code. */
export class ChatRequestError extends Error {
  override readonly name = 'ChatRequestError';
  constructor(
    readonly code: number,
    readonly info: string,
  ) {
    super(`${code}: ${info}`);
  }
}

/** Tencent-like ErrorInfo texts for the failures that have a single fixed meaning. */
export const ERROR_INFO: Record<number, string> = {
  [CODES.invalidJson]: 'Fail to Parse json data of body, Please check it',
  [CODES.userSigMissing]: 'usersig is missing in the URL',
  [CODES.sdkAppIdInvalid]: 'SDKAppID is invalid',
  [CODES.rateLimited]: 'REST API call frequency over the limit',
  [CODES.unknownCommand]: 'service or command in the URL is invalid',
  [CODES.notAdmin]: 'the identifier is not an App admin account',
  [CODES.sdkAppIdMissing]: 'sdkappid is missing in the URL',
  [CODES.userSigExpired]: 'UserSig has expired, please generate a new one',
  [CODES.userSigMalformed]: 'UserSig cannot be parsed',
  [CODES.userSigWrongKey]: 'UserSig verification failed: check the secret key',
  [CODES.userSigIdentifierMismatch]: 'identifier in the URL does not match the identifier in the UserSig',
  [CODES.userSigSdkAppIdMismatch]: 'sdkappid in the URL does not match the SDKAppID in the UserSig',
  [CODES.sdkAppIdNotFound]: 'SDKAppID not found: check the domain of your data centre',
  [CODES.internalError]: 'internal server error, please retry',
  [CODES.networkTimeout]: 'network timeout, please retry later',
  [CODES.markItemCount]: 'MarkItem must contain 1 to 100 conversations',
  [CODES.groupUnresolvable]: 'GroupID could not be resolved: the group does not exist or was dismissed',
  [CODES.conversationCap]: 'the user already has 1000 marked or grouped conversations',
  [CODES.contactGroupNotFound]: 'the conversation group does not exist',
  [CODES.contactGroupCount]: 'the user already has 20 conversation groups',
  [CODES.contactGroupNameTooLong]: 'the conversation group name is longer than 32 bytes',
  [CODES.editionNotAllowed]: 'the app edition does not support standard marks or conversation groups',
};

export function errorInfo(code: number): string {
  return ERROR_INFO[code] ?? `error ${code}`;
}

let requestSequence = 0;

/** Shaped like Tencent's RequestId: `Id-<32 hex>-O-Seq-<n>`. */
export function newRequestId(): string {
  requestSequence = (requestSequence + 1) % 1_000_000_000;
  return `Id-${randomBytes(16).toString('hex')}-O-Seq-${requestSequence}`;
}

export function successEnvelope(fields: JsonObject, requestId: string): JsonObject {
  return { ...fields, ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ErrorDisplay: '', RequestId: requestId };
}

export function failureEnvelope(code: number, info: string, requestId: string): JsonObject {
  return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info, ErrorDisplay: '', RequestId: requestId };
}
