// Conditional requests: reading If-Match so a save can insist on the version it was based on.

/** What an If-Match header asks for: nothing (absent), any current version (`*`), or one of these tags. */
export type IfMatch = { kind: 'absent' } | { kind: 'any' } | { kind: 'tags'; tags: string[] };

const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/;

/**
 * Parses If-Match: `*`, or a comma-separated list of entity tags with their quotes. If-Match uses
 * the strong comparison, so a weak tag (`W/"…"`) can never match and is dropped, and so is anything
 * that is not an entity tag at all; what is left may be empty, and then no version matches. An empty
 * header counts as absent.
 */
export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  const value = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim();
  if (value === '') return { kind: 'absent' };
  if (value === '*') return { kind: 'any' };
  const tags = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => ENTITY_TAG.test(part) && !part.startsWith('W/'));
  return { kind: 'tags', tags };
}
