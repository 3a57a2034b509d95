import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestStepUp } from '../../../lib/session-expiry';
import { renderWithProviders } from '../../../test/render';
import { StepUpDialog } from './StepUpDialog';
import StepUpDone, { STEP_UP_DONE_CHANNEL, STEP_UP_DONE_MESSAGE } from './StepUpDone';

afterEach(() => vi.restoreAllMocks());

describe('step-up of a single sign-on session', () => {
  it('confirms at the provider in a window of its own, then lets the refused request go again', async () => {
    const opened = vi.spyOn(window, 'open').mockReturnValue({} as Window);
    renderWithProviders(
      <MemoryRouter initialEntries={['/settings']}>
        <StepUpDialog />
      </MemoryRouter>,
    );
    let answer: Promise<boolean> | undefined;
    act(() => {
      answer = requestStepUp({ method: 'sso' });
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Continue with your identity provider' }));
    expect(opened).toHaveBeenCalledWith('/api/auth/oidc/start?returnTo=%2Fstep-up-done&purpose=step-up', 'markdesk-step-up', expect.any(String));

    // A message from elsewhere is ignored; the step-up window's own message settles it.
    act(() => window.dispatchEvent(new MessageEvent('message', { data: { type: STEP_UP_DONE_MESSAGE }, origin: 'https://elsewhere.example' })));
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    act(() => window.dispatchEvent(new MessageEvent('message', { data: { type: STEP_UP_DONE_MESSAGE }, origin: window.location.origin })));
    await expect(answer).resolves.toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('hears the window on the same-origin channel when the opener policy has cut its opener link', async () => {
    vi.spyOn(window, 'open').mockReturnValue({} as Window);
    renderWithProviders(
      <MemoryRouter initialEntries={['/settings?tab=staff']}>
        <StepUpDialog />
      </MemoryRouter>,
    );
    let answer: Promise<boolean> | undefined;
    act(() => {
      answer = requestStepUp({ method: 'sso' });
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Continue with your identity provider' }));

    // What the step-up window does when it comes back: window.opener is null (COOP same-origin).
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined);
    expect(window.opener ?? null).toBeNull();
    const heard = new Promise<unknown>((resolve) => {
      const listener = new BroadcastChannel(STEP_UP_DONE_CHANNEL);
      listener.onmessage = (event) => {
        listener.close();
        resolve(event.data);
      };
    });
    renderWithProviders(<StepUpDone />);
    await expect(heard).resolves.toEqual({ type: STEP_UP_DONE_MESSAGE });
    expect(close).toHaveBeenCalled();
    await expect(answer).resolves.toBe(true);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
