import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../test/render';
import { ToastProvider, useToast } from './ToastProvider';

function Pusher() {
  const toast = useToast();
  return (
    <>
      <button type="button" onClick={() => toast({ severity: 'success', message: 'Marks saved.' })}>
        first
      </button>
      <button type="button" onClick={() => toast({ severity: 'error', message: 'Chat is busy.', requestId: 'req-7' })}>
        second
      </button>
    </>
  );
}

describe('toasts', () => {
  it('shows one toast at a time, in order, with the request id of an error', async () => {
    const user = userEvent.setup({ delay: null });
    renderWithProviders(
      <ToastProvider>
        <Pusher />
      </ToastProvider>,
    );
    await user.click(screen.getByRole('button', { name: 'first' }));
    await user.click(screen.getByRole('button', { name: 'second' }));
    expect(await screen.findByText('Marks saved.')).toBeInTheDocument();
    expect(screen.queryByText(/Chat is busy/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(await screen.findByText('Chat is busy. Request ID: req-7')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('Marks saved.')).toBeNull());
  });
});
