import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-error';
import { renderWithProviders } from '../test/render';
import { QueryState, type QueryLike } from './QueryState';

type Rows = { rows: string[] };
const query = (overrides: Partial<QueryLike<Rows>>): QueryLike<Rows> => ({ isPending: false, isError: false, error: null, data: undefined, refetch: vi.fn(), ...overrides });
const failure = new ApiError({ status: 503, code: 'UPSTREAM_UNAVAILABLE', message: 'down', requestId: 'req-9' });
const content = (data: Rows) => <p>rows: {data.rows.join(', ')}</p>;

describe('QueryState', () => {
  it('shows a skeleton while pending, then the content', () => {
    const { rerender } = renderWithProviders(<QueryState query={query({ isPending: true })}>{content}</QueryState>);
    expect(screen.getByRole('status')).toHaveAttribute('aria-busy', 'true');
    rerender(<QueryState query={query({ data: { rows: ['a', 'b'] } })}>{content}</QueryState>);
    expect(screen.getByText('rows: a, b')).toBeInTheDocument();
  });

  it('replaces the content with the error and a Try again that refetches', async () => {
    const failed = query({ isError: true, error: failure, data: { rows: ['stale'] } });
    renderWithProviders(<QueryState query={failed}>{content}</QueryState>);
    expect(screen.queryByText(/stale/)).toBeNull();
    expect(screen.getByText(/req-9/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(failed.refetch).toHaveBeenCalledTimes(1);
  });

  it('keeps what was loaded when asked to (a failed "Load more"), and errs only without data', () => {
    const { rerender } = renderWithProviders(
      <QueryState query={query({ isError: true, error: failure, data: { rows: ['kept'] } })} keepDataOnError>
        {content}
      </QueryState>,
    );
    expect(screen.getByText('rows: kept')).toBeInTheDocument();
    rerender(
      <QueryState query={query({ isError: true, error: failure })} keepDataOnError>
        {content}
      </QueryState>,
    );
    expect(screen.getByRole('alert')).toBeInTheDocument();
  });

  it('says the empty sentence instead of empty content', () => {
    renderWithProviders(
      <QueryState query={query({ data: { rows: [] } })} isEmpty={(data) => data.rows.length === 0} empty="Nothing yet.">
        {content}
      </QueryState>,
    );
    expect(screen.getByText('Nothing yet.')).toBeInTheDocument();
    expect(screen.queryByText(/rows:/)).toBeNull();
  });
});
