// The error body of every /api route and the codes it may carry (docs/http-api.md, Errors).
import { z } from 'zod/mini';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'STEP_UP_REQUIRED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CHAT_USER_NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PRECONDITION_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** The HTTP status each code is sent with. */
export const ERROR_HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  STEP_UP_REQUIRED: 403,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CHAT_USER_NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
});

/** VALIDATION_FAILED details: field path (`body.items.0.customMark`) → the sentences about it. */
export const validationDetailsSchema = z.record(z.string(), z.array(z.string()));
export type ValidationDetails = z.infer<typeof validationDetailsSchema>;

export const apiErrorSchema = z.object({
  code: errorCodeSchema,
  /** A sentence a support agent understands. */
  message: z.string(),
  /** The same value as the x-request-id header, for quoting to whoever runs the server. */
  requestId: z.string(),
  details: z.optional(z.record(z.string(), z.unknown())),
  /** Tencent's ErrorCode when the failure came from Chat. */
  upstreamCode: z.optional(z.int()),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const errorBodySchema = z.object({ error: apiErrorSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;
