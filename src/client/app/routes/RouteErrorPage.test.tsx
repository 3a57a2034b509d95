import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useNavigate } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { I18nProvider } from '../../lib/i18n/I18nProvider';
import { PageErrorBoundary, RouteErrorBoundary } from './RouteErrorBoundary';

function renderThrowing(error: unknown) {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const Throwing = () => {
    throw error;
  };
  render(
    <I18nProvider language="en">
      <RouteErrorBoundary>
        <Throwing />
      </RouteErrorBoundary>
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

  it('keeps a page error inside the frame, and the next navigation renders the page it leads to', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const user = userEvent.setup();
    const Broken = () => {
      throw new TypeError('x is undefined');
    };
    function Frame() {
      const navigate = useNavigate();
      return (
        <>
          <button type="button" onClick={() => void navigate('/fine')}>
            Go on
          </button>
          <PageErrorBoundary />
        </>
      );
    }
    render(
      <I18nProvider language="en">
        <MemoryRouter initialEntries={['/broken']}>
          <Routes>
            <Route element={<Frame />}>
              <Route path="broken" element={<Broken />} />
              <Route path="fine" element={<p>The page works</p>} />
            </Route>
          </Routes>
        </MemoryRouter>
      </I18nProvider>,
    );
    expect(await screen.findByRole('heading', { name: 'Something went wrong' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Go on' }));
    expect(await screen.findByText('The page works')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Something went wrong' })).toBeNull();
  });
});
