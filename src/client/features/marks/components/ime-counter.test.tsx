// The byte counter under an input method: typing Chinese goes through compositionstart, updates
// with the pinyin being composed, and compositionend with the chosen characters. The counter always
// shows the UTF-8 bytes of what the field holds, during composition and after it.
import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { CustomMarkField } from './CustomMarkField';
import { summarizeSelection } from '../model/editor-state';
import { createEditorStore } from '../model/editor-store';
import { renderWithProviders } from '../../../test/render';

function Field() {
  const [store] = useState(() => createEditorStore(summarizeSelection([{ bits: [], customMark: '' }])));
  return <CustomMarkField store={store} disabled={false} />;
}

describe('byte counter during IME composition', () => {
  it('counts the composing text and then the chosen characters', () => {
    renderWithProviders(<Field />);
    const field = screen.getByRole('textbox', { name: 'Custom mark' });
    const counter = () => screen.getByTestId('custom-mark-bytes').textContent;
    expect(counter()).toBe('0 / 256 bytes');

    fireEvent.compositionStart(field, { data: '' });
    fireEvent.compositionUpdate(field, { data: 'g' });
    fireEvent.change(field, { target: { value: 'g' } });
    expect(counter()).toBe('1 / 256 bytes');
    fireEvent.compositionUpdate(field, { data: 'gongdan' });
    fireEvent.change(field, { target: { value: 'gongdan' } });
    expect(counter()).toBe('7 / 256 bytes');
    // The candidate is chosen: the pinyin is replaced by two characters of 3 bytes each.
    fireEvent.compositionUpdate(field, { data: '工单' });
    fireEvent.change(field, { target: { value: '工单' } });
    fireEvent.compositionEnd(field, { data: '工单' });
    expect(counter()).toBe('6 / 256 bytes');
    expect(field).toHaveValue('工单');

    // Korean syllables being assembled jamo by jamo count what is there at each step.
    fireEvent.compositionStart(field, { data: '' });
    fireEvent.change(field, { target: { value: '工单ㅎ' } });
    expect(counter()).toBe('9 / 256 bytes');
    fireEvent.change(field, { target: { value: '工单하' } });
    fireEvent.change(field, { target: { value: '工单한' } });
    fireEvent.compositionEnd(field, { data: '한' });
    expect(counter()).toBe('9 / 256 bytes');
  });
});
