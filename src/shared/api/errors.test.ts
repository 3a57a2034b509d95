import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_HTTP_STATUS, errorBodySchema } from './errors';

describe('error body of every /api route', () => {
  it('reads the documented shape, with and without details and upstreamCode', () => {
    const minimal = { error: { code: 'UNAUTHENTICATED', message: 'Sign in first.', requestId: 'req-1' } };
    expect(errorBodySchema.parse(minimal)).toEqual(minimal);
    const full = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Some fields are not valid; see details.',
        requestId: 'req-2',
        details: { 'body.items.0.customMark': ['The custom mark is 300 bytes; the limit is 256 bytes (UTF-8).'] },
        upstreamCode: 51013,
      },
    };
    expect(errorBodySchema.parse(full)).toEqual(full);
  });

  it('knows every documented code and its HTTP status', () => {
    expect(ERROR_HTTP_STATUS).toMatchObject({
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      CSRF_REJECTED: 403,
      VALIDATION_FAILED: 400,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PRECONDITION_FAILED: 412,
      PRECONDITION_REQUIRED: 428,
      RATE_LIMITED: 429,
      UPSTREAM_ERROR: 502,
      UNAVAILABLE: 503,
    });
    expect(Object.keys(ERROR_HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(errorBodySchema.safeParse({ error: { code: 'TEAPOT', message: 'x', requestId: 'r' } }).success).toBe(false);
  });
});
