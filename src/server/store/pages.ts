/** Every page of a cursor-paged query, from the first to the one that has no next cursor. */
export function* cursorPages<T>(page: (cursor: string | undefined) => { entries: T[]; nextCursor: string | null }): Generator<T[]> {
  let cursor: string | undefined;
  do {
    const { entries, nextCursor } = page(cursor);
    yield entries;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}
