import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectorFile from './fixtures/usersig-vector.json';
import { decodeUserSig, generateUserSig, UserSigFormatError, verifyUserSig } from './usersig';

const vectors = vectorFile.vectors;

function tencentBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function tencentToStandardBytes(userSig: string): Buffer {
  return Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
}

function sigFromJson(value: unknown): string {
  return tencentBase64(deflateSync(Buffer.from(JSON.stringify(value), 'utf8')));
}

describe('Tencent test vectors', () => {
  it.each(vectors)('decodes the vector for $identifier', (vector) => {
    expect(decodeUserSig(vector.usersig)).toEqual(vector.decoded);
  });

  it.each(vectors)('verifies the vector for $identifier at its own time', (vector) => {
    const result = verifyUserSig({
      userSig: vector.usersig,
      sdkAppId: vector.sdkappid,
      identifier: vector.identifier,
      secretKey: vector.secretKey,
      nowSeconds: vector.time,
    });
    expect(result).toEqual({ ok: true, decoded: vector.decoded });
  });

  it.each(vectors)('our generator reproduces the fields and TLS.sig of $identifier', (vector) => {
    const ours = generateUserSig({
      sdkAppId: vector.sdkappid,
      identifier: vector.identifier,
      secretKey: vector.secretKey,
      expireSeconds: vector.expire,
      nowSeconds: vector.time,
    });
    expect(decodeUserSig(ours)).toEqual(vector.decoded);
  });

  it('produces a zlib container and only the Tencent Base64 alphabet', () => {
    const vector = vectors[0]!;
    const ours = generateUserSig({
      sdkAppId: vector.sdkappid,
      identifier: vector.identifier,
      secretKey: vector.secretKey,
      expireSeconds: vector.expire,
      nowSeconds: vector.time,
    });
    expect(ours).toMatch(/^[A-Za-z0-9*\-_]+$/);
    const raw = tencentToStandardBytes(ours);
    expect(raw.subarray(0, 2).toString('hex')).toBe('789c');
  });
});

describe('verifyUserSig failures', () => {
  const app = { sdkAppId: 1400000001, identifier: 'administrator', secretKey: 'secret-1' };
  const time = 1_700_000_000;
  const expire = 3600;
  const good = generateUserSig({ ...app, expireSeconds: expire, nowSeconds: time });
  const verify = (overrides: Partial<Parameters<typeof verifyUserSig>[0]>) =>
    verifyUserSig({ userSig: good, ...app, nowSeconds: time, ...overrides });

  it('accepts up to and including time + expire', () => {
    expect(verify({ nowSeconds: time + expire }).ok).toBe(true);
  });

  it('reports expired one second later', () => {
    expect(verify({ nowSeconds: time + expire + 1 })).toEqual({ ok: false, failure: 'expired' });
  });

  it('reports wrong-key for another secret', () => {
    expect(verify({ secretKey: 'secret-2' })).toEqual({ ok: false, failure: 'wrong-key' });
  });

  it('reports wrong-identifier and wrong-sdkappid', () => {
    expect(verify({ identifier: 'someone-else' })).toEqual({ ok: false, failure: 'wrong-identifier' });
    expect(verify({ sdkAppId: 1400000002 })).toEqual({ ok: false, failure: 'wrong-sdkappid' });
  });

  it('checks sdkappid before identifier, and both before the key and expiry', () => {
    expect(
      verify({ sdkAppId: 1, identifier: 'x', secretKey: 'y', nowSeconds: time + expire + 100 }),
    ).toEqual({ ok: false, failure: 'wrong-sdkappid' });
    expect(verify({ identifier: 'x', secretKey: 'y', nowSeconds: time + expire + 100 })).toEqual({
      ok: false,
      failure: 'wrong-identifier',
    });
    expect(verify({ secretKey: 'y', nowSeconds: time + expire + 100 })).toEqual({ ok: false, failure: 'wrong-key' });
  });

  it('reports wrong-key when a field was altered after signing', () => {
    const decoded = decodeUserSig(good);
    const tampered = sigFromJson({ ...decoded, 'TLS.expire': decoded['TLS.expire'] * 1000 });
    expect(verify({ userSig: tampered, nowSeconds: time + expire + 1 })).toEqual({ ok: false, failure: 'wrong-key' });
  });

  const decoded = decodeUserSig(good);
  const { 'TLS.sig': _omitted, ...withoutSig } = decoded;
  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['not base64', 'eJ!!@@##'],
    // base64url maps '/' to '_', which Tencent's alphabet reads back as padding in mid-string.
    ['base64url instead of the Tencent substitution', tencentToStandardBytes(vectors[1]!.usersig).toString('base64url')],
    ['base64 but not zlib', tencentBase64(Buffer.from('hello world, not compressed'))],
    ['raw deflate instead of zlib', tencentBase64(deflateSync(Buffer.from(JSON.stringify(decoded)), {}).subarray(2))],
    ['zlib but not JSON', tencentBase64(deflateSync(Buffer.from('not json')))],
    ['JSON but not an object', sigFromJson([1, 2, 3])],
    ['missing TLS.sig', sigFromJson(withoutSig)],
    ['sdkappid as a string', sigFromJson({ ...decoded, 'TLS.sdkappid': String(decoded['TLS.sdkappid']) })],
    ['time as a fraction', sigFromJson({ ...decoded, 'TLS.time': 1.5 })],
  ];

  it.each(malformed)('rejects %s as malformed', (_label, userSig) => {
    expect(() => decodeUserSig(userSig)).toThrow(UserSigFormatError);
    expect(verify({ userSig })).toEqual({ ok: false, failure: 'malformed' });
  });

  it('treats a version other than 2.0 as malformed', () => {
    const v1 = sigFromJson({ ...decoded, 'TLS.ver': '1.0' });
    expect(decodeUserSig(v1)['TLS.ver']).toBe('1.0');
    expect(verify({ userSig: v1 })).toEqual({ ok: false, failure: 'malformed' });
  });

  it('never puts the sig into an error message', () => {
    try {
      decodeUserSig(`${good}!`);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(good);
    }
  });
});

describe('generate → verify property', () => {
  const hangul = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
  const identifier = fc.oneof(
    fc.string({ minLength: 1, maxLength: 32 }),
    fc.string({ unit: hangul, minLength: 1, maxLength: 10 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  );
  const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 });

  it('verifies with the signing key and fails with wrong-key under any other key', () => {
    fc.assert(
      fc.property(
        identifier,
        secret,
        secret,
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: 1, max: 31_536_000 }),
        (id, key, otherKey, sdkAppId, now, expire) => {
          fc.pre(key !== otherKey);
          const userSig = generateUserSig({ sdkAppId, identifier: id, secretKey: key, expireSeconds: expire, nowSeconds: now });
          const base = { userSig, sdkAppId, identifier: id, nowSeconds: now + expire };
          const ok = verifyUserSig({ ...base, secretKey: key });
          expect(ok.ok).toBe(true);
          expect(verifyUserSig({ ...base, secretKey: otherKey })).toEqual({ ok: false, failure: 'wrong-key' });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('generateUserSig input checks', () => {
  const base = { sdkAppId: 1, identifier: 'a', secretKey: 'k', expireSeconds: 60, nowSeconds: 0 };
  it('rejects a non-positive or fractional expiry and empty identifiers or keys', () => {
    expect(() => generateUserSig({ ...base, expireSeconds: 0 })).toThrow(RangeError);
    expect(() => generateUserSig({ ...base, expireSeconds: 1.5 })).toThrow(RangeError);
    expect(() => generateUserSig({ ...base, identifier: '' })).toThrow(RangeError);
    expect(() => generateUserSig({ ...base, secretKey: '' })).toThrow(RangeError);
  });
});
