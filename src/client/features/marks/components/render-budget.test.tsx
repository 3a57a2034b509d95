// Render budgets of the Marks page, counted with React's <Profiler> (no timing): on a list as long
// as heavy.user's, neither the first row picked nor selecting every row mounts the editor's
// checkboxes, and a bit toggled over 1,500 selected conversations re-renders that checkbox and the
// summary only. The paste form (its field measures its layout whenever it renders) is not rendered by selecting.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../../test/fake-api';
import { entry, sandboxHealth, session } from '../../../test/fixtures';
import { renderedIds, type RenderLog } from '../../../test/profiled';
import { renderApp } from '../../../test/render';
import { resetRecentChatUsersCache } from '../../../entities/chat-users/hooks/use-recent-chat-users';
import type * as BitCheckboxModule from './BitCheckbox';
import type * as EditorSummaryModule from './EditorSummary';
import type * as PasteSelectionModule from './PasteSelection';

const renders = vi.hoisted(() => ({ log: [] as RenderLog }));
vi.mock('./BitCheckbox', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof BitCheckboxModule>(), import('../../../test/profiled')]);
  return { ...actual, BitCheckbox: profiled(actual.BitCheckbox, (props) => `bit-${props.bit}`, renders.log) };
});
vi.mock('./EditorSummary', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof EditorSummaryModule>(), import('../../../test/profiled')]);
  return { ...actual, EditorSummary: profiled(actual.EditorSummary, () => 'summary', renders.log) };
});

vi.mock('./PasteSelection', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof PasteSelectionModule>(), import('../../../test/profiled')]);
  return { ...actual, PasteSelection: profiled(actual.PasteSelection, () => 'paste', renders.log) };
});

const CONVERSATIONS = 1500;

beforeEach(() => {
  resetRecentChatUsersCache();
  renders.log.length = 0;
  // heavy.user's shape: every conversation has Favourite, every third one custom bit 33 as well.
  const conversations = Array.from({ length: CONVERSATIONS }, (_, index) =>
    entry(`customer.${String(index).padStart(4, '0')}`, { bits: index % 3 === 0 ? [0, 33] : [0], lastMessageAt: '2026-11-20T08:00:00Z' }),
  );
  installFakeApi({
    'GET /api/session': session('editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: {} }),
    'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: true }),
    'GET /api/chat-users/:userId/conversations': () => json({ userId: 'heavy.user', conversations, groups: [] }),
  });
});

const bitBox = (name: string) => screen.getByLabelText(name, { selector: 'input[type="checkbox"]' });
const bitBoxes = () => [...document.querySelectorAll<HTMLInputElement>('input.bit-box')];

describe('render budget of the Marks page with 1,500 conversations', { timeout: 120_000 }, () => {
  it('neither the first row picked nor selecting all 1,500 rows mounts a checkbox of the editor; a bit toggle re-renders that box and the summary', async () => {
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=heavy.user');
    const firstRow = await screen.findByLabelText('Select customer.0001', { selector: 'input' }, { timeout: 30_000 });
    // Before anything is selected the editor is already rendered, hidden: 4 standard and 32 custom
    // bits; the 28 reserved ones are folded away (none is set here).
    await waitFor(() => expect(bitBoxes()).toHaveLength(36), { timeout: 30_000 });
    expect(screen.queryByRole('checkbox', { name: 'Favourite (bit 0)' })).toBeNull();
    const mounted = bitBoxes();

    // The first row picked shows it: none of its checkboxes is mounted by that click.
    renders.log.length = 0;
    await user.click(firstRow);
    await screen.findByRole('checkbox', { name: 'Favourite (bit 0)' });
    expect(renderedIds(renders.log, 'mount').filter((id) => id.startsWith('bit-'))).toEqual([]);
    expect(bitBoxes().every((box, index) => box === mounted[index])).toBe(true);
    expect(bitBox('Custom bit 33 (bit 33)')).not.toBeChecked();

    renders.log.length = 0;
    await user.click(screen.getByLabelText('Select customer.0002', { selector: 'input' }));
    await waitFor(() => expect(screen.getByText(/2 selected/)).toBeInTheDocument());
    expect(renderedIds(renders.log)).not.toContain('paste');

    renders.log.length = 0;
    await user.click(screen.getByRole('button', { name: 'Select all 1,500 matching' }));
    await waitFor(() => expect(bitBox('Custom bit 33 (bit 33)')).toBePartiallyChecked());
    expect(screen.getByText(/1,500 selected/)).toBeInTheDocument();
    expect(renderedIds(renders.log, 'mount')).toEqual([]);
    expect(renderedIds(renders.log)).not.toContain('paste');
    // Only bit 33 reads differently (off → mixed); the other 63 boxes are not rendered at all.
    expect(renderedIds(renders.log).filter((id) => id.startsWith('bit-'))).toEqual(['bit-33']);
    expect(bitBoxes().every((box, index) => box === mounted[index])).toBe(true);

    renders.log.length = 0;
    await user.click(bitBox('Unread (bit 1)'));
    expect(bitBox('Unread (bit 1)')).toBeChecked();
    expect(renderedIds(renders.log)).toEqual(['bit-1', 'summary']);
    expect(screen.getByTestId('mark-preview')).toHaveTextContent('Set: Unread');
    expect(screen.getByTestId('mark-hex')).toHaveTextContent('Setting 0x0000000000000002');
  });
});
