import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_HISTORY_FILTERS, type HistoryFilters } from '../../../entities/audit/model/filters';
import { renderWithProviders } from '../../../test/render';
import { HistoryFilterBar } from './HistoryFilterBar';

const filtered: HistoryFilters = { ...EMPTY_HISTORY_FILTERS, chatUser: 'olivia.brown', staff: 'support' };

describe('HistoryFilterBar', () => {
  it('keeps what was typed after "Clear filters" when the cleared address arrives later', async () => {
    const onApply = vi.fn();
    const user = userEvent.setup({ delay: null });
    // The address still holds the old filters while the person types: the page has not re-rendered yet.
    const { rerender } = renderWithProviders(<HistoryFilterBar filters={filtered} onApply={onApply} />);
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onApply).toHaveBeenLastCalledWith(EMPTY_HISTORY_FILTERS);
    expect(screen.getByRole('textbox', { name: 'Chat user' })).toHaveValue('');
    await user.type(screen.getByRole('textbox', { name: 'Bulk job ID' }), 'job-1');

    // Now the navigation lands: the address says what the form applied.
    rerender(<HistoryFilterBar filters={EMPTY_HISTORY_FILTERS} onApply={onApply} />);
    expect(screen.getByRole('textbox', { name: 'Bulk job ID' })).toHaveValue('job-1');
  });

  it('takes its fields from another address (back button, a link)', async () => {
    const onApply = vi.fn();
    const user = userEvent.setup({ delay: null });
    const { rerender } = renderWithProviders(<HistoryFilterBar filters={EMPTY_HISTORY_FILTERS} onApply={onApply} />);
    await user.type(screen.getByRole('textbox', { name: 'Bulk job ID' }), 'job-1');
    rerender(<HistoryFilterBar filters={filtered} onApply={onApply} />);
    expect(screen.getByRole('textbox', { name: 'Chat user' })).toHaveValue('olivia.brown');
    expect(screen.getByRole('textbox', { name: 'Bulk job ID' })).toHaveValue('');
  });
});
