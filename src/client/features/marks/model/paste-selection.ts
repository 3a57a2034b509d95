// "Select by paste": a support agent pastes the conversation IDs from a ticket (one per line, or
// separated by commas, semicolons, tabs or spaces; a cell range from a spreadsheet works) and gets
// those rows selected. `c2c:ID` and `group:ID` name the type; a bare ID matches a listed
// conversation of either type with that ID. What is not in the list is reported, typed as well as
// can be told (`@TGS#…` is Chat's group ID form, anything else is taken as a Chat user), so it can
// be added; what Chat would refuse as an ID (an e-mail address over its length, say) is reported
// apart and never added, so a save cannot fail on it.
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { conversationSchema } from '../../../../shared/marks/schemas';

/** More than any ticket holds; a paste beyond it is cut and says so. */
export const MAX_PASTED_IDS = 5000;

export type PastedToken = { type?: Conversation['type']; id: string };

export type PasteMatch = {
  /** Keys of listed conversations to select, in the order pasted, without repeats. */
  keys: string[];
  /** Pasted conversations the list does not have. */
  missing: Conversation[];
  /** Pasted values neither listed nor an ID Chat accepts (as pasted). */
  invalid: string[];
  /** How many distinct IDs were read. */
  read: number;
  /** True when the paste held more than MAX_PASTED_IDS IDs and the rest was left out. */
  truncated: boolean;
};

const TYPED = /^(c2c|group):(.+)$/i;

export function readPastedIds(text: string): { tokens: PastedToken[]; truncated: boolean } {
  const seen = new Set<string>();
  const tokens: PastedToken[] = [];
  let truncated = false;
  for (const raw of text.split(/[\s,;]+/u)) {
    const token = raw.replace(/^["']+|["']+$/gu, '');
    if (token === '') continue;
    const typed = TYPED.exec(token);
    const parsed: PastedToken = typed ? { type: typed[1]!.toLowerCase() as Conversation['type'], id: typed[2]! } : { id: token };
    const dedupeKey = `${parsed.type ?? '*'}:${parsed.id}`;
    if (seen.has(dedupeKey)) continue;
    if (tokens.length === MAX_PASTED_IDS) {
      truncated = true;
      break;
    }
    seen.add(dedupeKey);
    tokens.push(parsed);
  }
  return { tokens, truncated };
}

function guessType(id: string): Conversation['type'] {
  return id.startsWith('@TGS#') ? 'group' : 'c2c';
}

export function matchPastedIds(text: string, listed: readonly Conversation[]): PasteMatch {
  const { tokens, truncated } = readPastedIds(text);
  const byId = new Map<string, Conversation[]>();
  for (const conversation of listed) {
    const same = byId.get(conversation.id);
    if (same) same.push(conversation);
    else byId.set(conversation.id, [conversation]);
  }
  const keys = new Set<string>();
  const missing = new Map<string, Conversation>();
  const invalid: string[] = [];
  for (const token of tokens) {
    const candidates = (byId.get(token.id) ?? []).filter((conversation) => token.type === undefined || conversation.type === token.type);
    if (candidates.length > 0) {
      for (const conversation of candidates) keys.add(conversationKey(conversation));
      continue;
    }
    const conversation: Conversation = { type: token.type ?? guessType(token.id), id: token.id };
    if (conversationSchema.safeParse(conversation).success) missing.set(conversationKey(conversation), conversation);
    else invalid.push(token.type === undefined ? token.id : `${token.type}:${token.id}`);
  }
  return { keys: [...keys], missing: [...missing.values()], invalid, read: tokens.length, truncated };
}
