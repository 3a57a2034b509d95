// The text filter lives in the address bar, which updates in a transition after each keystroke: a
// value of ours that arrives late must not overwrite what was typed since.
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../lib/i18n/translate';
import { renderWithProviders } from '../../../test/render';
import { createBitLabeler } from '../../../entities/marks/model/bit-labels';
import type { ConversationFilters as Filters } from '../model/filters';
import { ConversationFilters } from './ConversationFilters';

const labeler = createBitLabeler(createTranslator('en'), {});
const NONE: Filters = { q: '', type: null, bit: null, group: null };

/** Stands in for the address bar: each change lands only when `land` is called, in order. */
function SlowAddress({ queue }: { queue: Partial<Filters>[] }) {
  const [filters, setFilters] = useState(NONE);
  return (
    <>
      <ConversationFilters filters={filters} onChange={(change) => queue.push(change)} labeler={labeler} groups={[]} />
      <button type="button" onClick={() => setFilters((current) => ({ ...current, ...queue.shift() }))}>
        land
      </button>
      <button type="button" onClick={() => setFilters((current) => ({ ...current, q: 'minji' }))}>
        back
      </button>
      <output>{filters.q}</output>
    </>
  );
}

describe('ConversationFilters text', () => {
  it('keeps every typed character while the address shows older values of it, and takes a value that is not its own', async () => {
    const user = userEvent.setup({ delay: null });
    const queue: Partial<Filters>[] = [];
    renderWithProviders(<SlowAddress queue={queue} />);
    const field = screen.getByRole('searchbox', { name: 'Filter conversations' });
    await user.type(field, 'customer.1186');
    expect(queue).toHaveLength(13);
    // The address catches up one keystroke at a time: 'c', 'cu', … — the field keeps what was typed.
    const land = screen.getByRole('button', { name: 'land' });
    act(() => land.click());
    expect(screen.getByText('c', { selector: 'output' })).toBeInTheDocument();
    expect(field).toHaveValue('customer.1186');
    for (let step = 0; step < 12; step++) act(() => land.click());
    expect(screen.getByText('customer.1186', { selector: 'output' })).toBeInTheDocument();
    expect(field).toHaveValue('customer.1186');

    // Back, or a shared link: a value the field did not send replaces the text.
    act(() => screen.getByRole('button', { name: 'back' }).click());
    expect(field).toHaveValue('minji');
  });
});
