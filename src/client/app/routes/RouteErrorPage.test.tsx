import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { I18nProvider } from '../../lib/i18n/I18nProvider';
import { RouteErrorPage } from './RouteErrorPage';

function renderThrowing(error: unknown) {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const Throwing = () => {
    throw error;
  };
  const router = createMemoryRouter([{ path: '/', element: <Throwing />, errorElement: <RouteErrorPage /> }]);
  render(
    <I18nProvider language="en">
      <RouterProvider router={router} />
    </I18nProvider>,
  );
}

describe('RouteErrorPage', () => {
  it('shows the sentence for an API error and the request id to quote', async () => {
    renderThrowing(new ApiError({ status: 502, code: 'UPSTREAM_ERROR', message: 'x', requestId: 'req-42', upstreamCode: 51008 }));
    expect(await screen.findByRole('heading', { name: 'Something went wrong' })).toBeInTheDocument();
    expect(screen.getByText(/1,000/)).toBeInTheDocument();
    expect(screen.getByText('Request ID: req-42')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload page' })).toBeInTheDocument();
  });

  it('says the page stopped working for a bug, without inventing a request id', async () => {
    renderThrowing(new TypeError('undefined is not a function'));
    expect(await screen.findByText('This page stopped working because of an error in Markdesk. Reload the page to continue.')).toBeInTheDocument();
    expect(screen.queryByText(/Request ID/)).toBeNull();
  });
});
