// Reading Chat's response envelope: HTTP 200 even on failure, success only when ActionStatus is
// "OK" and ErrorCode is 0. Per-item ResultCodes are not looked at here; they stay in the items.
import { z } from 'zod';
import { type ChatCommand, envelopeSchema, parseCommandResponse, type ResponseOf } from './commands';
import { ChatApiError, ChatInvalidResponseError, redactSecrets } from './errors';

function describeIssues(error: z.ZodError): string {
  // Paths and expectations only: values could be user data.
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The typed response of a successful call. Throws ChatApiError for a FAIL envelope and
 * ChatInvalidResponseError for anything that is not a Chat response.
 * `secrets` (UserSig, secret key) are scrubbed from ErrorInfo before it goes anywhere.
 */
export function readEnvelope<C extends ChatCommand>(command: C, body: unknown, secrets: readonly string[]): ResponseOf<C> {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw new ChatInvalidResponseError(command, describeIssues(envelope.error));
  const { ActionStatus, ErrorCode, ErrorInfo } = envelope.data;
  if (ActionStatus !== 'OK' || ErrorCode !== 0) {
    if (ErrorCode === 0) {
      throw new ChatInvalidResponseError(command, `ActionStatus ${redactSecrets(ActionStatus, secrets)} with ErrorCode 0`);
    }
    throw new ChatApiError(command, ErrorCode, redactSecrets(ErrorInfo ?? '', secrets));
  }
  try {
    return parseCommandResponse(command, body);
  } catch (error) {
    if (error instanceof z.ZodError) throw new ChatInvalidResponseError(command, describeIssues(error));
    throw error;
  }
}
