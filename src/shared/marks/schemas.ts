// zod schemas of the mark domain, worded like changeProblems so the API, the forms and the
// domain functions say the same sentence for the same mistake.
import { z } from 'zod/mini';
import { isEditableBit, LAST_BIT } from './bits';
import { bitOutOfRangeMessage, customMarkTooLongMessage, reservedBitMessage } from './change';
import { CONVERSATION_TYPES } from './conversation';
import { hasControlCharacter, hasLoneSurrogate } from '../text/storable';
import { CUSTOM_MARK_MAX_BYTES, utf8ByteLength } from './utf8';

export const CHAT_USER_ID_MAX_BYTES = 32;
export const GROUP_ID_MAX_BYTES = 48;

const bitMessage = (input: unknown): string =>
  typeof input === 'number' ? bitOutOfRangeMessage(input) : `A bit is given by its index, a whole number from 0 to ${LAST_BIT}.`;

/** An integer 0..63. */
export const bitIndexSchema = z.int({ error: (issue) => bitMessage(issue.input) }).check(
  z.minimum(0, { error: (issue) => bitMessage(issue.input) }),
  z.maximum(LAST_BIT, { error: (issue) => bitMessage(issue.input) }),
);

/** 0–3 or 32–63: the bits Markdesk may set or clear. */
export const editableBitSchema = bitIndexSchema.check(
  z.refine((bit) => isEditableBit(bit), {
    error: (issue) => reservedBitMessage(issue.input as number),
    abort: true,
  }),
);

/**
 * A custom mark as Chat holds it: at most 256 UTF-8 bytes ('' = no custom mark), no unpaired
 * surrogate (it would reach Chat as U+FFFD). Control characters are allowed here because Chat may
 * hold them; what Markdesk itself writes is checked by the request's stricter storableText.
 */
export const customMarkSchema = z.string().check(
  z.superRefine((text, context) => {
    const bytes = utf8ByteLength(text);
    if (bytes > CUSTOM_MARK_MAX_BYTES) context.addIssue({ code: 'custom', message: customMarkTooLongMessage(bytes) });
    if (hasLoneSurrogate(text)) {
      context.addIssue({ code: 'custom', message: 'The custom mark contains a broken character (an unpaired UTF-16 surrogate).' });
    }
  }),
);

function idSchema(what: string, maxBytes: number) {
  return z.string().check(
    z.superRefine((id, context) => {
      const bytes = utf8ByteLength(id);
      if (bytes === 0) context.addIssue({ code: 'custom', message: `The ${what} is empty.` });
      else if (bytes > maxBytes) {
        context.addIssue({ code: 'custom', message: `The ${what} is ${bytes} bytes; the limit is ${maxBytes} bytes (UTF-8).` });
      }
      // Invisible in every UI, so never part of an ID.
      if (hasControlCharacter(id)) context.addIssue({ code: 'custom', message: `The ${what} contains a control character.` });
      if (hasLoneSurrogate(id)) {
        context.addIssue({ code: 'custom', message: `The ${what} contains a broken character (an unpaired UTF-16 surrogate).` });
      }
    }),
  );
}

/** A Chat UserID: 1..32 UTF-8 bytes, no control characters. */
export const chatUserIdSchema = idSchema('Chat user ID', CHAT_USER_ID_MAX_BYTES);
/** A Chat group ID: 1..48 UTF-8 bytes, no control characters. */
export const groupIdSchema = idSchema('group ID', GROUP_ID_MAX_BYTES);

export const conversationTypeSchema = z.enum(CONVERSATION_TYPES);

/** Strict: unknown keys are refused. */
export const conversationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('c2c'), id: chatUserIdSchema }),
  z.strictObject({ type: z.literal('group'), id: groupIdSchema }),
]);

/** bits ascending without duplicates. Not strict: it also reads responses, which may grow fields. */
export const markStateSchema = z.object({
  bits: z.array(bitIndexSchema).check(
    z.refine((bits) => bits.every((bit, index) => index === 0 || bit > (bits[index - 1] as number)), {
      error: 'The bits must be listed in ascending order, each once.',
    }),
  ),
  customMark: customMarkSchema,
});
