// The error every API call throws. Kept apart from the fetch code (and its zod contract) so that
// error pages and sentences can use it without pulling the validator into the first download.

/** Codes the client itself produces when there is no usable answer from the BFF. */
export const CLIENT_ERROR_CODES = { network: 'NETWORK_ERROR', invalidResponse: 'INVALID_RESPONSE', unknown: 'UNKNOWN' } as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: Record<string, unknown> | undefined;
  readonly upstreamCode: number | undefined;
  /** From `Retry-After` on 429/503, in whole seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId: string | null;
    details?: Record<string, unknown> | undefined;
    upstreamCode?: number | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.upstreamCode = init.upstreamCode;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
