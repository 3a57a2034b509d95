// TLSSigAPIv2 UserSig: generate (for the BFF) and verify (for the emulator).
// The format is pinned to vectors produced by Tencent's own library (fixtures/usersig-vector.json).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

export type DecodedUserSig = {
  'TLS.ver': string;
  'TLS.identifier': string;
  'TLS.sdkappid': number;
  'TLS.time': number;
  'TLS.expire': number;
  'TLS.sig': string;
};

export type UserSigFailure = 'malformed' | 'wrong-key' | 'wrong-identifier' | 'wrong-sdkappid' | 'expired';

export type GenerateUserSigInput = {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Validity as a duration in seconds (not an absolute time). */
  expireSeconds: number;
  /** Signing time in Unix seconds; defaults to now. */
  nowSeconds?: number;
};

export type VerifyUserSigInput = {
  userSig: string;
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  nowSeconds: number;
};

export type VerifyUserSigResult = { ok: true; decoded: DecodedUserSig } | { ok: false; failure: UserSigFailure };

/** Thrown by decodeUserSig; the message never repeats the sig itself. */
export class UserSigFormatError extends Error {
  override readonly name = 'UserSigFormatError';
}

const USER_SIG_VERSION = '2.0';

// Standard Base64 alphabet with padding, after reversing Tencent's substitution.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function signatureContent(identifier: string, sdkAppId: number, time: number, expire: number): string {
  return `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
}

function hmacBase64(secretKey: string, content: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(content, 'utf8').digest('base64');
}

function toTencentBase64(standard: string): string {
  return standard.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function fromTencentBase64(tencent: string): string {
  return tencent.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function assertNonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer`);
  }
}

export function generateUserSig(input: GenerateUserSigInput): string {
  const time = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  assertNonNegativeInteger(input.sdkAppId, 'sdkAppId');
  assertNonNegativeInteger(time, 'nowSeconds');
  if (!Number.isSafeInteger(input.expireSeconds) || input.expireSeconds <= 0) {
    throw new RangeError('expireSeconds must be a positive integer');
  }
  if (input.identifier.length === 0) throw new RangeError('identifier must not be empty');
  if (input.secretKey.length === 0) throw new RangeError('secretKey must not be empty');

  const content = signatureContent(input.identifier, input.sdkAppId, time, input.expireSeconds);
  const document: DecodedUserSig = {
    'TLS.ver': USER_SIG_VERSION,
    'TLS.identifier': input.identifier,
    'TLS.sdkappid': input.sdkAppId,
    'TLS.expire': input.expireSeconds,
    'TLS.time': time,
    'TLS.sig': hmacBase64(input.secretKey, content),
  };
  // deflateSync produces the zlib container (78 9c), which is what Tencent's servers inflate.
  const compressed = deflateSync(Buffer.from(JSON.stringify(document), 'utf8'));
  return toTencentBase64(compressed.toString('base64'));
}

function requireString(record: Record<string, unknown>, key: keyof DecodedUserSig): string {
  const value = record[key];
  if (typeof value !== 'string') throw new UserSigFormatError(`UserSig field ${key} is missing or not a string`);
  return value;
}

function requireInteger(record: Record<string, unknown>, key: keyof DecodedUserSig): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UserSigFormatError(`UserSig field ${key} is missing or not a non-negative integer`);
  }
  return value;
}

export function decodeUserSig(userSig: string): DecodedUserSig {
  if (typeof userSig !== 'string' || userSig.length === 0) throw new UserSigFormatError('UserSig is empty');
  const standard = fromTencentBase64(userSig);
  if (!BASE64_PATTERN.test(standard)) throw new UserSigFormatError('UserSig is not valid Base64');

  let json: string;
  try {
    json = inflateSync(Buffer.from(standard, 'base64')).toString('utf8');
  } catch {
    throw new UserSigFormatError('UserSig is not zlib-compressed data');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UserSigFormatError('UserSig does not contain JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserSigFormatError('UserSig JSON is not an object');
  }
  const record = parsed as Record<string, unknown>;
  return {
    'TLS.ver': requireString(record, 'TLS.ver'),
    'TLS.identifier': requireString(record, 'TLS.identifier'),
    'TLS.sdkappid': requireInteger(record, 'TLS.sdkappid'),
    'TLS.time': requireInteger(record, 'TLS.time'),
    'TLS.expire': requireInteger(record, 'TLS.expire'),
    'TLS.sig': requireString(record, 'TLS.sig'),
  };
}

function signaturesMatch(expectedBase64: string, actualBase64: string): boolean {
  const expected = Buffer.from(expectedBase64, 'base64');
  if (!BASE64_PATTERN.test(actualBase64)) return false;
  const actual = Buffer.from(actualBase64, 'base64');
  // timingSafeEqual needs equal lengths; the length of an HMAC-SHA256 is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Verifies in the order Tencent's servers do: format, version, sdkappid, identifier, HMAC, expiry. */
export function verifyUserSig(input: VerifyUserSigInput): VerifyUserSigResult {
  let decoded: DecodedUserSig;
  try {
    decoded = decodeUserSig(input.userSig);
  } catch (error) {
    if (error instanceof UserSigFormatError) return { ok: false, failure: 'malformed' };
    throw error;
  }
  if (decoded['TLS.ver'] !== USER_SIG_VERSION) return { ok: false, failure: 'malformed' };
  if (decoded['TLS.sdkappid'] !== input.sdkAppId) return { ok: false, failure: 'wrong-sdkappid' };
  if (decoded['TLS.identifier'] !== input.identifier) return { ok: false, failure: 'wrong-identifier' };

  const content = signatureContent(
    decoded['TLS.identifier'],
    decoded['TLS.sdkappid'],
    decoded['TLS.time'],
    decoded['TLS.expire'],
  );
  if (!signaturesMatch(hmacBase64(input.secretKey, content), decoded['TLS.sig'])) {
    return { ok: false, failure: 'wrong-key' };
  }
  if (input.nowSeconds > decoded['TLS.time'] + decoded['TLS.expire']) return { ok: false, failure: 'expired' };
  return { ok: true, decoded };
}
