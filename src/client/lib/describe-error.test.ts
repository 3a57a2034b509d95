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
    expect(describeError(new Error('boom'), en, 'en')).toEqual({ sentence: en('error.code.UNKNOWN'), requestId: null });
  });
});
