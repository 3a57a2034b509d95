import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { GroupAuditEntry } from '../../../../shared/api/groups';
import { installFakeApi, json } from '../../../test/fake-api';
import { renderWithProviders } from '../../../test/render';
import { ToastProvider } from '../../../components/ToastProvider';
import { ManageGroupsDialog as Dialog } from './ManageGroupsDialog';

const ManageGroupsDialog = (props: Parameters<typeof Dialog>[0]) => (
  <ToastProvider>
    <Dialog {...props} />
  </ToastProvider>
);

const groups = [
  { id: 1, name: 'VIP', conversationCount: 40 },
  { id: 2, name: 'Escalations', conversationCount: 25 },
];

function change(fields: Partial<GroupAuditEntry>): GroupAuditEntry {
  return {
    kind: 'group',
    id: '0190a3b4-0000-7000-8000-000000000001',
    at: '2026-12-01T10:00:00.000Z',
    staff: 'editor',
    chatUser: 'heavy.user',
    action: 'create',
    group: { id: null, name: 'New' },
    conversations: [],
    changed: [],
    failed: [],
    status: 'applied',
    requestId: 'req-1',
    ...fields,
  };
}

const selected = [{ type: 'c2c' as const, id: 'user1' }];

describe('ManageGroupsDialog', { timeout: 30_000 }, () => {
  it('lists the groups with counts and creates one from the selected conversations', async () => {
    const api = installFakeApi({
      'GET /api/chat-users/:userId/groups': json({ userId: 'heavy.user', groups, limit: 20 }),
      'POST /api/chat-users/:userId/groups': json({ change: change({}) }),
    });
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<ManageGroupsDialog userId="heavy.user" selected={selected} onClose={() => {}} />);
    expect(await screen.findByText('2 of 20 groups')).toBeInTheDocument();
    expect(screen.getByText('40 conversations')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Group name'), 'Refunds');
    await user.click(screen.getByRole('button', { name: 'Create group with 1 selected' }));
    await waitFor(() => expect(api.last('POST', '/api/chat-users/heavy.user/groups')?.body).toEqual({ name: 'Refunds', conversations: selected }));
  });

  it('counts the name in UTF-8 bytes and refuses 33 before sending', async () => {
    installFakeApi({ 'GET /api/chat-users/:userId/groups': json({ userId: 'heavy.user', groups, limit: 20 }) });
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<ManageGroupsDialog userId="heavy.user" selected={selected} onClose={() => {}} />);
    await screen.findByText('2 of 20 groups');
    await user.type(screen.getByLabelText('Group name'), '가'.repeat(11));
    expect(screen.getByText(/The name is 33 bytes/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create group with 1 selected' })).toBeDisabled();
  });

  it('says in words why a rename did not apply (someone renamed it first), sending the name it saw', async () => {
    const api = installFakeApi({
      'GET /api/chat-users/:userId/groups': json({ userId: 'heavy.user', groups, limit: 20 }),
      'PATCH /api/chat-users/:userId/groups/:groupId': json({ change: change({ action: 'rename', status: 'conflict', problem: 'GROUP_CHANGED' }) }),
    });
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<ManageGroupsDialog userId="heavy.user" selected={[]} onClose={() => {}} />);
    await user.click(await screen.findByRole('button', { name: 'Rename VIP' }));
    const field = screen.getByLabelText('New name for VIP');
    await user.clear(field);
    await user.type(field, 'VIP customers');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Someone else changed this group since it was loaded');
    expect(api.last('PATCH', '/api/chat-users/heavy.user/groups/1')?.body).toEqual({ name: 'VIP customers', expectedName: 'VIP' });
    // Creating needs a selection: Chat makes no empty group.
    expect(screen.getByRole('button', { name: 'Create group with 0 selected' })).toBeDisabled();
  });

  it('deletes after confirming, in Korean too', async () => {
    const api = installFakeApi({
      'GET /api/chat-users/:userId/groups': json({ userId: 'heavy.user', groups, limit: 20 }),
      'DELETE /api/chat-users/:userId/groups/:groupId': json({ change: change({ action: 'delete' }) }),
    });
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<ManageGroupsDialog userId="heavy.user" selected={[]} onClose={() => {}} />, { language: 'ko' });
    await user.click(await screen.findByRole('button', { name: 'Escalations 삭제' }));
    const confirm = screen.getByRole('dialog', { name: 'Escalations 삭제' });
    expect(within(confirm).getByText(/대화 25개는 그대로/)).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: 'Escalations 삭제' }));
    await waitFor(() => expect(api.last('DELETE', '/api/chat-users/heavy.user/groups/2')?.body).toEqual({ expectedName: 'Escalations' }));
  });
});
