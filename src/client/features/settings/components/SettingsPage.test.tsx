import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { LabelMap } from '../../../../shared/api/labels';
import type { Role } from '../../../../shared/api/session';
import type { CreateStaffRequest, StaffMember } from '../../../../shared/api/staff';
import { apiError, installFakeApi, json, type RecordedRequest } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

function member(username: string, role: Role, overrides: Partial<StaffMember> = {}): StaffMember {
  return { username, role, disabled: false, createdAt: '2026-11-01T00:00:00Z', lastLoginAt: null, ...overrides };
}

/** The labels on the fake server, versioned like the real one: a save must name the current ETag. */
function fakeLabelStore() {
  const state = { labels: { '32': { name: 'VIP', description: 'Paying customer' } } as LabelMap, version: 1, updatedBy: 'admin' as string | null, updatedAt: '2026-11-20T08:00:00Z' };
  const etag = () => `"v${state.version}"`;
  const body = () => ({ labels: state.labels, updatedBy: state.updatedBy, updatedAt: state.updatedAt });
  const replace = (labels: LabelMap, by: string) => {
    Object.assign(state, { labels, version: state.version + 1, updatedBy: by, updatedAt: '2026-11-21T09:30:00Z' });
  };
  const routes = {
    'GET /api/mark-labels': () => json(body(), 200, { etag: etag() }),
    'PUT /api/mark-labels': (request: RecordedRequest) => {
      const ifMatch = request.headers.get('If-Match');
      if (ifMatch === null) return apiError(428, 'PRECONDITION_REQUIRED', 'Send If-Match.');
      if (ifMatch !== etag()) return apiError(412, 'PRECONDITION_FAILED', 'Changed since.', { details: { ...body(), etag: etag() } });
      replace((request.body as { labels: LabelMap }).labels, 'admin');
      return json(body(), 200, { etag: etag() });
    },
  };
  return { state, routes, replace };
}

function fakeSettingsApi(role: Role = 'admin', labelStore = fakeLabelStore()) {
  const staff = [
    member('admin', 'admin', { source: 'local', mfa: true, breakGlass: true }),
    member('pm', 'viewer', { source: 'local', mfa: false }),
    member('sso.rita', 'editor', { source: 'sso' }),
    member('support', 'editor'),
  ];
  const api = installFakeApi({
    'GET /api/session': session(role, role === 'admin' ? 'admin' : 'pm'),
    'GET /api/health': sandboxHealth,
    ...labelStore.routes,
    'GET /api/staff': () => json({ staff }),
    'POST /api/staff': (request) => {
      const body = request.body as CreateStaffRequest;
      if (staff.some((existing) => existing.username === body.username)) return apiError(409, 'CONFLICT', 'exists');
      const created = member(body.username, body.role);
      staff.push(created);
      return json(created, 201);
    },
    'PATCH /api/staff/:name': (request) => {
      const index = staff.findIndex((existing) => existing.username === request.params.name);
      staff[index] = { ...(staff[index] as StaffMember), ...(request.body as Partial<StaffMember>) };
      return json(staff[index]);
    },
    'GET /api/sessions': json({
      sessions: [
        { handle: 'h-admin', username: 'admin', role: 'admin', createdAt: '2026-11-21T08:00:00Z', lastSeenAt: '2026-11-21T09:00:00Z', current: true },
        { handle: 'h-support', username: 'support', role: 'editor', createdAt: '2026-11-21T07:00:00Z', lastSeenAt: '2026-11-21T09:00:00Z', current: false },
      ],
    }),
    'DELETE /api/sessions/:handle': { status: 204 },
    'GET /api/audit/verify': json({ ok: true, checked: 1234 }),
  });
  return api;
}

// By label rather than role: with 64 fields on the page, role queries are slow in jsdom.
const field = (label: string) => screen.getByLabelText(label, { selector: 'input' });
const writes = (api: ReturnType<typeof installFakeApi>) => api.requests.filter((request) => request.method !== 'GET');
/** Replaces a field's text in one input event (typing 64-field forms key by key is slow in jsdom). */
async function fill(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await user.clear(input);
  await user.paste(text);
}

describe('Settings page', { timeout: 60_000 }, () => {
  it('is absent for others: no nav link, an "administrators only" page, and no admin calls', async () => {
    const api = fakeSettingsApi('viewer');
    renderApp('/settings');
    expect(await screen.findByRole('heading', { name: 'Administrators only' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    expect(within(nav).queryByRole('link', { name: 'Settings' })).toBeNull();
    expect(api.requests.filter((request) => /\/api\/(staff|sessions|audit\/verify)/.test(request.path))).toEqual([]);
  });

  it('saves custom bit names with one PUT and reloads the labels every page uses', async () => {
    const api = fakeSettingsApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/settings');
    const name33 = await screen.findByLabelText('Name of bit 33', { selector: 'input' });
    expect(field('Name of bit 32')).toHaveValue('VIP');
    expect(field('Description of bit 32')).toHaveValue('Paying customer');
    await user.type(name33, 'Escalated');
    await user.type(field('Description of bit 33'), 'Handed to tier 2');
    const labelReads = api.requests.filter((request) => request.path === '/api/mark-labels' && request.method === 'GET').length;
    await user.click(screen.getByRole('button', { name: 'Save names' }));

    expect(await screen.findByText('Names saved. They show everywhere from now on.')).toBeInTheDocument();
    const [put] = writes(api);
    expect(put?.method).toBe('PUT');
    expect(put?.headers.get('X-Requested-By')).toBe('markdesk');
    expect(put?.headers.get('If-Match')).toBe('"v1"');
    expect(put?.body).toEqual({
      labels: { '32': { name: 'VIP', description: 'Paying customer' }, '33': { name: 'Escalated', description: 'Handed to tier 2' } },
    });
    await waitFor(() => expect(api.requests.filter((request) => request.path === '/api/mark-labels' && request.method === 'GET').length).toBe(labelReads + 1));
    expect(field('Name of bit 33')).toHaveValue('Escalated');
  });

  it('opens on a fresh read, not on the copy another page cached, and says who changed the names last', async () => {
    const labelStore = fakeLabelStore();
    const api = fakeSettingsApi('admin', labelStore);
    const user = userEvent.setup({ delay: null });
    const { queryClient } = renderApp('/');
    await screen.findByRole('link', { name: 'Settings' });
    // What another page read a moment ago: young enough that it would normally be used as it is.
    queryClient.setQueryData(['marks', 'labels'], { labels: labelStore.state.labels, updatedBy: 'admin', updatedAt: labelStore.state.updatedAt, etag: '"v1"' });
    labelStore.replace({ '40': { name: 'Fresh', description: '' } }, 'second.admin');
    const reads = api.requests.filter((request) => request.path === '/api/mark-labels').length;
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    expect(await screen.findByLabelText('Name of bit 40', { selector: 'input' })).toHaveValue('Fresh');
    expect(field('Name of bit 32')).toHaveValue('');
    expect(api.requests.filter((request) => request.path === '/api/mark-labels').length).toBe(reads + 1);
    expect(screen.getByTestId('labels-last-changed')).toHaveTextContent(/^Last changed by second\.admin, .+2026/);
  });

  it('when someone else saved first: says so, loads their names under the admin’s edits, and saves again on their version', { timeout: 120_000 }, async () => {
    const labelStore = fakeLabelStore();
    const api = fakeSettingsApi('admin', labelStore);
    const user = userEvent.setup({ delay: null });
    renderApp('/settings');
    await fill(user, await screen.findByLabelText('Name of bit 32', { selector: 'input' }), 'Platinum');
    await fill(user, field('Name of bit 50'), 'Mine');
    // Meanwhile, in another browser: a new bit 51 and another name for bit 32.
    labelStore.replace({ '32': { name: 'Gold', description: 'Paying customer' }, '51': { name: 'Theirs', description: 'Saved first' } }, 'second.admin');

    await user.click(screen.getByRole('button', { name: 'Save names' }));
    const notice = await screen.findByText(/second\.admin saved other names after you opened this page, so your changes are not saved yet\./);
    expect(writes(api)[0]?.headers.get('If-Match')).toBe('"v1"');
    expect(screen.queryByText('Names saved. They show everywhere from now on.')).toBeNull();
    // Nothing the admin typed is lost while they decide.
    expect(field('Name of bit 32')).toHaveValue('Platinum');
    expect(field('Name of bit 50')).toHaveValue('Mine');

    await user.click(within(notice.closest('[role="alert"]') as HTMLElement).getByRole('button', { name: 'Load their names' }));
    expect(await screen.findByText(/The names second\.admin saved are loaded, with your edits kept on top/)).toBeInTheDocument();
    expect(field('Name of bit 32')).toHaveValue('Platinum');
    expect(field('Name of bit 50')).toHaveValue('Mine');
    expect(field('Name of bit 51')).toHaveValue('Theirs');
    expect(field('Description of bit 51')).toHaveValue('Saved first');
    expect(screen.getByTestId('their-change-32')).toHaveTextContent('second.admin saved “Gold” — Paying customer You changed this bit too');
    expect(screen.getByTestId('their-change-51')).toHaveTextContent('second.admin saved “Theirs” — Saved first');
    expect(within(screen.getByTestId('their-change-51')).queryByRole('button')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Save names' }));
    expect(await screen.findByText('Names saved. They show everywhere from now on.')).toBeInTheDocument();
    const [, second] = writes(api);
    expect(second?.headers.get('If-Match')).toBe('"v2"');
    expect(second?.body).toEqual({
      labels: {
        '32': { name: 'Platinum', description: 'Paying customer' },
        '50': { name: 'Mine', description: '' },
        '51': { name: 'Theirs', description: 'Saved first' },
      },
    });
    expect(labelStore.state.version).toBe(3);
    await waitFor(() => expect(screen.queryByTestId('their-change-32')).toBeNull());
    expect(screen.getByTestId('labels-last-changed')).toHaveTextContent(/^Last changed by admin, /);
  });

  it('can take the other admin’s version of a bit both changed', { timeout: 120_000 }, async () => {
    const labelStore = fakeLabelStore();
    const api = fakeSettingsApi('admin', labelStore);
    const user = userEvent.setup({ delay: null });
    renderApp('/settings');
    await fill(user, await screen.findByLabelText('Name of bit 32', { selector: 'input' }), 'Platinum');
    labelStore.replace({ '32': { name: 'Gold', description: '' } }, 'second.admin');
    await user.click(screen.getByRole('button', { name: 'Save names' }));
    await user.click(await screen.findByRole('button', { name: 'Load their names' }));
    await user.click(await screen.findByRole('button', { name: 'Use theirs for bit 32' }));
    expect(field('Name of bit 32')).toHaveValue('Gold');
    expect(field('Description of bit 32')).toHaveValue('');
    // Their version is now exactly what the form holds: nothing left to save.
    expect(screen.getByRole('button', { name: 'Save names' })).toBeDisabled();
    expect(writes(api)).toHaveLength(1);
  });

  it('refuses names the contract refuses, beside the field, in the person’s words', { timeout: 120_000 }, async () => {
    const api = fakeSettingsApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/settings');
    await user.type(await screen.findByLabelText('Name of bit 34', { selector: 'input' }), 'hidden');
    await user.type(field('Name of bit 35'), 'vip');
    await user.type(field('Description of bit 36'), 'no name');
    await user.click(screen.getByRole('button', { name: 'Save names' }));
    expect(await screen.findByText('“hidden” is the name of a standard bit.')).toBeInTheDocument();
    expect(screen.getByText('Give the bit a name, or clear its description.')).toBeInTheDocument();
    await user.clear(field('Name of bit 34'));
    await user.clear(field('Description of bit 36'));
    await user.click(screen.getByRole('button', { name: 'Save names' }));
    expect(await screen.findByText('Bit 32 already has this name.')).toBeInTheDocument();
    expect(writes(api)).toEqual([]);
  });

  it('creates a staff account with a generated password and shows it once', async () => {
    const api = fakeSettingsApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/settings?tab=staff');
    expect(await screen.findByRole('cell', { name: 'support' })).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Username' }), 'newbie');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const dialog = await screen.findByRole('dialog', { name: 'Password of newbie' });
    const post = writes(api)[0] as RecordedRequest;
    const body = post.body as CreateStaffRequest;
    expect(post.path).toBe('/api/staff');
    expect(body).toMatchObject({ username: 'newbie', role: 'editor' });
    expect(body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(within(dialog).getByTestId('generated-password')).toHaveTextContent(body.password);

    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(within(dialog).getByRole('button', { name: 'Copy password' }));
    expect(writeText).toHaveBeenCalledWith(body.password);
    expect(await within(dialog).findByText('Copied to the clipboard.')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByText(body.password)).toBeNull();
    expect(await screen.findByRole('cell', { name: 'newbie' })).toBeInTheDocument();
  });

  it('says how each account signs in: identity provider, or password with or without two-step, break-glass', async () => {
    fakeSettingsApi();
    renderApp('/settings?tab=staff');
    await screen.findByRole('combobox', { name: 'Role of pm' });
    const row = async (username: string) => within(document.querySelector(`tr[data-username="${username}"]`) as HTMLElement);
    const admin = await row('admin');
    for (const word of ['Password', 'Two-step on', 'Break-glass']) expect(admin.getByText(word)).toBeInTheDocument();
    const pm = await row('pm');
    expect(pm.getByText('No two-step')).toBeInTheDocument();
    expect(pm.queryByText('Break-glass')).toBeNull();
    const sso = await row('sso.rita');
    expect(sso.getByText('Identity provider')).toBeInTheDocument();
    expect(sso.getByText('Set again by the identity provider at each sign-in.')).toBeInTheDocument();
    // An account of the provider has no password here to reset.
    expect(sso.queryByRole('button', { name: 'Reset password of sso.rita' })).toBeNull();
    expect(pm.getByRole('button', { name: 'Reset password of pm' })).toBeInTheDocument();
  });

  it('checks a typed password before sending, changes roles and ends sessions', async () => {
    const api = fakeSettingsApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/settings?tab=staff');
    await user.type(await screen.findByRole('textbox', { name: 'Username' }), 'typist');
    await user.click(screen.getByRole('radio', { name: 'Type one' }));
    await user.type(screen.getByLabelText('New password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Use at least 12 characters.')).toBeInTheDocument();
    expect(writes(api)).toEqual([]);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Role of pm' }), 'editor');
    expect(await screen.findByText('pm is now editor.')).toBeInTheDocument();
    expect(writes(api)[0]).toMatchObject({ method: 'PATCH', path: '/api/staff/pm', body: { role: 'editor' } });

    await user.click(screen.getByRole('tab', { name: 'Active sessions' }));
    expect(router.state.location.search).toBe('?tab=sessions');
    await user.click(await screen.findByRole('button', { name: /^End session of support/ }));
    await waitFor(() => expect(writes(api)[1]).toMatchObject({ method: 'DELETE', path: '/api/sessions/h-support' }));
    // Ending one's own session asks first.
    await user.click(screen.getByRole('button', { name: /^End session of admin/ }));
    const confirm = await screen.findByRole('dialog', { name: 'End your own session?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(writes(api)).toHaveLength(2);
  });

  it('shows the audit chain verdict and verifies again on demand', async () => {
    const api = fakeSettingsApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/settings?tab=audit');
    expect(await screen.findByText('The audit log is intact')).toBeInTheDocument();
    expect(screen.getByText(/1,234 entries checked/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Verify now' }));
    await waitFor(() => expect(api.requests.filter((request) => request.path === '/api/audit/verify')).toHaveLength(2));
  });
});
