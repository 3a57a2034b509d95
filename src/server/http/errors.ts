import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../../shared/api/errors';
import { isDatabaseUnavailable } from '../store/database';

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

/**
 * `{ "body.items.0.customMark": ["The custom mark is 300 bytes; …"] }` from the validation issues
 * (fastify-type-provider-zod gives each issue's path as a JSON-pointer instancePath). An unknown
 * key is reported under its own name, so the person sees which field to remove.
 */
export function validationDetails(error: Pick<FastifyError, 'validation' | 'validationContext'>): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  const where = error.validationContext ?? 'body';
  for (const issue of error.validation ?? []) {
    const segments = (issue.instancePath ?? '').split('/').filter((segment) => segment !== '');
    const unknownKeys = issue.keyword === 'unrecognized_keys' ? ((issue.params as { keys?: unknown }).keys as string[] | undefined) : undefined;
    if (unknownKeys && unknownKeys.length > 0) {
      for (const key of unknownKeys) {
        (details[[where, ...segments, key].join('.')] ??= []).push(`"${key}" is not a field this request takes; remove it.`);
      }
      continue;
    }
    (details[[where, ...segments].join('.')] ??= []).push(issue.message ?? 'is not valid');
  }
  return details;
}

/** "item 3, customMark" for body.items.2.customMark: how a support agent finds the field. */
function fieldLabel(field: string): string {
  const parts = field.split('.');
  const [where, ...path] = parts;
  if (path.length === 0) return where === 'body' ? 'the request body' : `the ${where}`;
  const words: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const next = path[i + 1];
    if (next !== undefined && /^\d+$/.test(next) && path[i] === 'items') {
      words.push(`item ${Number(next) + 1}`);
      i++;
    } else words.push(path[i]!);
  }
  return words.join(', ');
}

/** One sentence for the whole refusal: the problem itself when there is one, else the first and a count. */
function validationMessage(details: Record<string, string[]>): string {
  const problems = Object.entries(details).flatMap(([field, messages]) => messages.map((message) => `${fieldLabel(field)}: ${message}`));
  if (problems.length === 0) return 'Some fields are not valid; see details.';
  if (problems.length === 1) return problems[0]!;
  return `${problems.length} problems, the first — ${problems[0]} (see details for all).`;
}

/** Maps every error to the error body (docs/http-api.md, Errors); never a stack trace, URL or secret. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) return sendError(reply, error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = validationDetails(error);
    // Field names only: the values may be anything, including what should never be logged.
    request.log.info({ event: 'input_validation_fail', route: request.routeOptions.url, fields: Object.keys(details) }, 'request failed validation');
    return sendError(reply, new HttpError('VALIDATION_FAILED', validationMessage(details), { details }));
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
  if (isDatabaseUnavailable(error)) {
    // An outage, not a bug: one line for the operator, no stack; the person may simply try again.
    request.log.warn({ event: 'database_unavailable', route: request.routeOptions.url }, 'the database cannot be reached');
    return sendError(reply, new HttpError('UNAVAILABLE', 'The database cannot be reached right now; try again in a moment. If it goes on, tell your administrator.'));
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
