/**
 * How a reason wraps: Korean words stay whole (Hangul otherwise breaks between any two syllables,
 * "요\n청"), and a run too long for the line (a ticket id, Chinese without spaces) still wraps.
 */
export const REASON_TEXT = { wordBreak: 'keep-all', overflowWrap: 'anywhere' } as const;
