import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';
import { PageSkeleton } from './PageSkeleton';

/** What QueryState needs of a TanStack query result (a plain or an infinite one). */
export type QueryLike<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };

export type QueryStateProps<T> = {
  query: QueryLike<T>;
  /** Shown while the first answer is awaited (default: a page skeleton of 4 rows). */
  pending?: ReactNode;
  /** A failed refetch keeps what was loaded (e.g. a failed "Load more"); by default an error replaces it. */
  keepDataOnError?: boolean;
  /** Without a retry button (for answers that trying again cannot change). */
  noRetry?: boolean;
  /** With `empty`, the data counts as nothing to show. */
  isEmpty?: (data: T) => boolean;
  /** The sentence shown when `isEmpty` says so. */
  empty?: ReactNode;
  children: (data: T) => ReactNode;
};

/**
 * The one scaffolding of a section fed by a query: skeleton while pending, the error in the
 * reader's words with "Try again", the empty sentence, or the content.
 */
export function QueryState<T>({ query, pending, keepDataOnError = false, noRetry = false, isEmpty, empty, children }: QueryStateProps<T>) {
  if (query.isPending) return <>{pending ?? <PageSkeleton rows={4} />}</>;
  if (query.isError && (!keepDataOnError || query.data === undefined)) {
    return <ErrorNotice error={query.error} {...(noRetry ? {} : { onRetry: () => void query.refetch() })} />;
  }
  const data = query.data as T;
  if (empty !== undefined && isEmpty?.(data)) return <EmptyNotice>{empty}</EmptyNotice>;
  return <>{children(data)}</>;
}

/** "Nothing here yet", in the same quiet box everywhere. */
export function EmptyNotice({ children }: { children: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 3, textAlign: 'center' }}>
      <Typography color="text.secondary">{children}</Typography>
    </Paper>
  );
}
