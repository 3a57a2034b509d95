import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { describeError } from './describe-error';
import { createTranslator } from './i18n/translate';

const en = createTranslator('en');
const ko = createTranslator('ko');

describe('describeError', () => {
  it('uses the Chat catalogue for an upstream code, in the person’s language', () => {
    const error = new ApiError({ status: 502, code: 'UPSTREAM_ERROR', message: 'x', requestId: 'r1', upstreamCode: 51008 });
    expect(describeError(error, en, 'en').sentence).toMatch(/1,000/);
    expect(describeError(error, ko, 'ko').sentence).not.toMatch(/^[A-Za-z]/);
    expect(describeError(error, en, 'en').requestId).toBe('r1');
  });

  it('translates known codes and says how long to wait when rate limited', () => {
    expect(describeError(new ApiError({ status: 403, code: 'FORBIDDEN', message: 'x', requestId: 'r' }), en, 'en').sentence).toBe(en('error.code.FORBIDDEN'));
    const limited = new ApiError({ status: 429, code: 'RATE_LIMITED', message: 'x', requestId: 'r', retryAfterSeconds: 7 });
    expect(describeError(limited, en, 'en').sentence).toBe('Too many requests right now. Try again in 7 seconds.');
  });

  it('falls back to the server sentence in English and a generic one otherwise', () => {
    const odd = new ApiError({ status: 418, code: 'TEAPOT', message: 'I am a teapot.', requestId: 'r' });
    expect(describeError(odd, en, 'en').sentence).toBe('I am a teapot.');
    expect(describeError(odd, ko, 'ko').sentence).toBe(ko('error.code.UNKNOWN'));
    expect(describeError(new Error('boom'), en, 'en')).toEqual({ sentence: en('error.code.UNKNOWN'), requestId: null, unreachable: false });
  });
});

describe('the right words for the reader', () => {
  const en = createTranslator('en');
  it('words a configuration problem for admins only; others read that admins know', () => {
    const badKey = new ApiError({ status: 502, code: 'UPSTREAM_ERROR', message: 'x', requestId: 'r9', upstreamCode: 70009 });
    expect(describeError(badKey, en, 'en').sentence).toBe('Markdesk cannot use Chat right now because of a problem in its setup. An admin has been told; try again later.');
    expect(describeError(badKey, en, 'en', { isAdmin: true }).sentence).toMatch(/CHAT_SECRET_KEY/);
    // Not a setting: everyone reads the same sentence.
    const cap = new ApiError({ status: 502, code: 'UPSTREAM_ERROR', message: 'x', requestId: 'r', upstreamCode: 51008 });
    expect(describeError(cap, en, 'en').sentence).toBe(describeError(cap, en, 'en', { isAdmin: true }).sentence);
  });

  it('says when the server could not be reached (no request id) and when it answered (with one)', () => {
    const down = new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'x', requestId: null });
    expect(describeError(down, en, 'en')).toMatchObject({ unreachable: true, requestId: null });
    const answered = new ApiError({ status: 500, code: 'INTERNAL_ERROR', message: 'x', requestId: 'req-7' });
    expect(describeError(answered, en, 'en')).toMatchObject({ unreachable: false, requestId: 'req-7' });
  });
});
