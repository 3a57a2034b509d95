import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../../shared/api/errors';

/** An error whose status, code and sentence are safe to show to a person as they are. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: Record<string, unknown>; upstreamCode?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = ERROR_HTTP_STATUS[code];
  }
}

export function sendError(reply: FastifyReply, error: HttpError) {
  if (error.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.extra.retryAfterSeconds));
  return reply.code(error.statusCode).send({
    error: {
      code: error.code,
      message: error.message,
      requestId: reply.request.id,
      ...(error.extra.details ? { details: error.extra.details } : {}),
      ...(error.extra.upstreamCode !== undefined ? { upstreamCode: error.extra.upstreamCode } : {}),
    },
  });
}

/** `{ "items.0.customMark": ["The custom mark is 300 bytes; …"] }` from zod issues. */
function validationDetails(error: FastifyError): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  const where = error.validationContext ?? 'body';
  for (const issue of error.validation ?? []) {
    const params = issue.params as { issue?: { path?: PropertyKey[]; message?: string } } | undefined;
    const path = params?.issue?.path ?? [];
    const field = [where, ...path.map(String)].join('.');
    (details[field] ??= []).push(params?.issue?.message ?? issue.message ?? 'is not valid');
  }
  return details;
}

/** Maps every error to the body of bff-api §2; never a stack trace, URL or secret. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) return sendError(reply, error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    request.log.info({ event: 'input_validation_fail', route: request.routeOptions.url }, 'request failed validation');
    return sendError(reply, new HttpError('VALIDATION_FAILED', 'Some fields are not valid; see details.', { details: validationDetails(error) }));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, new HttpError('PAYLOAD_TOO_LARGE', 'The request is too large.'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendError(reply, new HttpError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON (Content-Type: application/json).'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendError(reply, new HttpError('VALIDATION_FAILED', 'The request body is not valid JSON.'));
  }
  if (error.statusCode === 429) {
    return sendError(reply, new HttpError('RATE_LIMITED', 'Too many requests; wait a moment and try again.'));
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(reply, new HttpError('VALIDATION_FAILED', 'The request could not be understood.'));
  }
  // The stack goes to the operator's log only; the person gets a sentence and the request id.
  request.log.error({ err: error }, 'unexpected error');
  return sendError(reply, new HttpError('INTERNAL_ERROR', 'Something went wrong on the server. Quote the request id when you report it.'));
}
