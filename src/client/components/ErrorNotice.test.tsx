import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api-error';
import { renderWithProviders } from '../test/render';
import { ErrorNotice } from './ErrorNotice';

const apiError = (status: number, code: string) => new ApiError({ status, code, message: 'The BFF said no.', requestId: 'req-7' });

describe('ErrorNotice', () => {
  it('offers Try again where sending the request again can help, with the request id to quote', () => {
    renderWithProviders(<ErrorNotice error={apiError(503, 'UPSTREAM_UNAVAILABLE')} onRetry={() => {}} />);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(screen.getByText(/req-7/)).toBeInTheDocument();
  });

  it('offers no Try again for an answer that will not change, such as a job that does not exist', () => {
    renderWithProviders(<ErrorNotice error={apiError(404, 'NOT_FOUND')} onRetry={() => {}} />);
    expect(screen.getByRole('alert')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});
