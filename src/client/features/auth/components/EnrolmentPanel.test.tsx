import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../../test/fake-api';
import { renderWithProviders } from '../../../test/render';
import { EnrolmentPanel } from './EnrolmentPanel';

const CODES = Array.from({ length: 10 }, (_, index) => `abcd-efgh-${String(index).padStart(4, '2')}`);

async function confirmWithCode() {
  installFakeApi({
    'POST /api/session/mfa/enrolment': json({ uri: 'otpauth://totp/Markdesk:support?secret=JBSWY3DPEHPK3PXP', secret: 'JBSWY3DPEHPK3PXP', qrSvg: '<svg xmlns="http://www.w3.org/2000/svg"/>' }),
    'POST /api/session/mfa/enrolment/confirm': json({ recoveryCodes: CODES, session: { username: 'support', role: 'editor' } }),
  });
  const user = userEvent.setup();
  renderWithProviders(<EnrolmentPanel during="sign-in" onDone={() => {}} />);
  await screen.findByText('Or type this key: JBSWY3DPEHPK3PXP');
  await user.type(screen.getByLabelText('Authentication code'), '123456');
  await user.click(screen.getByRole('button', { name: 'Confirm' }));
  await screen.findByRole('heading', { name: 'Your recovery codes' });
  return user;
}

describe('Recovery codes after setting up two-step verification', () => {
  it('copies the ten codes, one a line, and says so', async () => {
    const user = await confirmWithCode();
    expect(within(screen.getByRole('list', { name: 'Recovery codes' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual(CODES);
    await user.click(screen.getByRole('button', { name: 'Copy codes' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Recovery codes copied.');
    expect(await navigator.clipboard.readText()).toBe(CODES.join('\n'));
  });

  it('says what to do when the browser refuses to copy', async () => {
    const user = await confirmWithCode();
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError'));
    await user.click(screen.getByRole('button', { name: 'Copy codes' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The browser did not allow copying. Download the codes or write them down.');
  });
});
