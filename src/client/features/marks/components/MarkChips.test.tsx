import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../lib/i18n/translate';
import { renderWithProviders } from '../../../test/render';
import { createBitLabeler } from '../../../entities/marks/model/bit-labels';
import { MarkChips } from './MarkChips';

const labeler = createBitLabeler(createTranslator('en'), { '32': { name: 'VIP', description: '' } });

describe('MarkChips', () => {
  it('shows four chips that wrap, and "+N" naming the rest, listing all on keyboard focus', async () => {
    renderWithProviders(<MarkChips bits={[0, 1, 2, 3, 32, 40]} labeler={labeler} />);
    expect(screen.getByText('Favourite')).toBeInTheDocument();
    expect(screen.getByText('Hidden')).toBeInTheDocument();
    expect(screen.queryByText('VIP')).toBeNull();
    const more = screen.getByRole('button', { name: '+2: VIP (bit 32), Custom bit 40 (bit 40)' });
    await userEvent.setup({ delay: null }).tab();
    expect(more).toHaveFocus();
    expect(screen.getByRole('tooltip', { hidden: true })).toHaveTextContent('Favourite (bit 0), Unread (bit 1), Collapsed (bit 2), Hidden (bit 3), VIP (bit 32), Custom bit 40 (bit 40)');
  });

  it('draws Hidden and Collapsed unlike Favourite', () => {
    renderWithProviders(<MarkChips bits={[0, 2, 3]} labeler={labeler} />);
    const chip = (name: string) => screen.getByTitle(`${name}`);
    const icons = ['Favourite (bit 0)', 'Collapsed (bit 2)', 'Hidden (bit 3)'].map((name) => chip(name).querySelector('svg')?.getAttribute('data-glyph'));
    expect(new Set(icons).size).toBe(3);
    expect(icons).toEqual(['star', 'unfoldLess', 'visibilityOff']);
  });
});
