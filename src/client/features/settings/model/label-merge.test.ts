import { describe, expect, it } from 'vitest';
import type { LabelMap } from '../../../../shared/api/labels';
import { labelFormValues } from './label-form';
import { mergeLabelEdits } from './label-merge';

const loaded: LabelMap = { '32': { name: 'VIP', description: '' }, '33': { name: 'Refund', description: 'old' } };

describe('mergeLabelEdits', () => {
  it('keeps my edits, takes their edits to bits I left alone, and names the bits they changed', () => {
    const mine = labelFormValues(loaded);
    mine.labels.b50 = { name: 'Mine', description: '' };
    const current: LabelMap = { ...loaded, '51': { name: 'Theirs', description: '' } };
    const { values, changes } = mergeLabelEdits(mine, loaded, current);
    expect(values.labels.b50).toEqual({ name: 'Mine', description: '' });
    expect(values.labels.b51).toEqual({ name: 'Theirs', description: '' });
    expect(values.labels.b32).toEqual({ name: 'VIP', description: '' });
    expect(changes).toEqual({ 51: { theirs: { name: 'Theirs', description: '' }, clash: false } });
  });

  it('marks a bit both changed differently as a clash and keeps mine; the same change is no clash', () => {
    const mine = labelFormValues(loaded);
    mine.labels.b32 = { name: 'Gold', description: '' };
    mine.labels.b33 = { name: 'Refund', description: 'new ' };
    const current: LabelMap = { '32': { name: 'Platinum', description: '' }, '33': { name: 'Refund', description: 'new' } };
    const { values, changes } = mergeLabelEdits(mine, loaded, current);
    expect(values.labels.b32).toEqual({ name: 'Gold', description: '' });
    expect(changes[32]).toEqual({ theirs: { name: 'Platinum', description: '' }, clash: true });
    expect(changes[33]).toEqual({ theirs: { name: 'Refund', description: 'new' }, clash: false });
  });

  it('reports a name they removed as null, and ignores spaces I typed around an unchanged value', () => {
    const mine = labelFormValues(loaded);
    mine.labels.b32 = { name: ' VIP ', description: '' };
    const { values, changes } = mergeLabelEdits(mine, loaded, { '33': loaded['33']! });
    expect(values.labels.b32).toEqual({ name: '', description: '' });
    expect(changes).toEqual({ 32: { theirs: null, clash: false } });
  });
});
