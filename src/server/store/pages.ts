/** Every page of a cursor-paged query, from the first to the one that has no next cursor. */
export async function* cursorPages<T>(
  page: (cursor: string | undefined) => Promise<{ entries: T[]; nextCursor: string | null }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const { entries, nextCursor } = await page(cursor);
    yield entries;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every entry of a cursor-paged query, in one array: for callers that need them all at once. */
export async function allOfPages<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
